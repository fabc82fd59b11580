import type {DBCluster} from '@aws-sdk/client-rds'
import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderTopology} from '../../lib/cli/views.js'
import {computeReport, type ComputeReport} from '../../lib/local/compute.js'
import {volumeReport} from '../../lib/local/storage.js'
import {clusterInstances, describeCluster} from '../../lib/rds/read.js'

/** The cluster as DescribeDBClusters returns it; on the local emulator also where its SQL endpoints listen, and replica lag. */
export type ClusterDescription = DBCluster & {LocalEmulator?: ComputeReport}

export default class ClusterDescribe extends BaseCommand<typeof ClusterDescribe> {
  static override summary = 'Show a cluster: its writer and readers (AZ, tier, class, status) and endpoints.'
  static override description =
    'On the local emulator it also shows where each endpoint listens (127.0.0.1:port) and each replica\'s lag; ' +
    '--json adds them under LocalEmulator, a field AWS does not have.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo', '<%= config.bin %> <%= command.id %> demo --json | jq .Status']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}

  public async run(): Promise<ClusterDescription> {
    const rds = await this.rds()
    const cluster = await describeCluster(rds, this.args.cluster)
    const compute = this.onLocalEmulator ? await computeReport(rds.region, this.args.cluster) : undefined
    if (!this.jsonEnabled()) {
      // AWS reports an Aurora volume's size outside DescribeDBClusters (AllocatedStorage is always 1); the emulator can show it.
      const detail = compute ? {volume: await volumeReport(rds.region, this.args.cluster), compute} : undefined
      this.log(renderTopology(cluster, await clusterInstances(rds, this.args.cluster), this.stdoutColour, detail))
    }
    return compute ? {...cluster, LocalEmulator: compute} : cluster
  }
}
