import type {DBCluster} from '@aws-sdk/client-rds'
import {Args} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {renderTopology} from '../../lib/cli/views.js'
import {volumeReport} from '../../lib/local/storage.js'
import {clusterInstances, describeCluster} from '../../lib/rds/read.js'

export default class ClusterDescribe extends BaseCommand<typeof ClusterDescribe> {
  static override summary = 'Show a cluster: its writer and readers (AZ, tier, class, status) and endpoints.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo', '<%= config.bin %> <%= command.id %> demo --json | jq .Status']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}

  public async run(): Promise<DBCluster> {
    const rds = await this.rds()
    const cluster = await describeCluster(rds, this.args.cluster)
    if (!this.jsonEnabled()) {
      // AWS reports an Aurora volume's size outside DescribeDBClusters (AllocatedStorage is always 1); the emulator can show it.
      const volume = rds.backend === 'local' && !this.target.endpointUrl ? await volumeReport(rds.region, this.args.cluster) : undefined
      this.log(renderTopology(cluster, await clusterInstances(rds, this.args.cluster), this.stdoutColour, volume))
    }
    return cluster
  }
}
