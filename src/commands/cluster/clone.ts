import type {DBCluster} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, instanceCount, instanceCountFlags, waitFlags} from '../../lib/cli/base-command.js'
import {renderTopology} from '../../lib/cli/views.js'
import {clusterInstances} from '../../lib/rds/read.js'
import {restoreToPointInTime} from '../../lib/rds/restore.js'

export default class ClusterClone extends BaseCommand<typeof ClusterClone> {
  static override summary = 'Clone a cluster: a new cluster sharing the source\'s pages (copy-on-write) as of now.'
  static override description =
    'Fast and small: pages are copied only when either cluster changes them. Adds instances like the source\'s writer ' +
    '(its class, or db.serverless with the same capacity range), spread over the AZs. Waits until usable unless --no-wait.'

  static override examples = ['<%= config.bin %> <%= command.id %> orders orders-test', '<%= config.bin %> <%= command.id %> orders orders-test --instances 2 --instance-class db.r6g.large --json']
  static override args = {
    source: Args.string({required: true, description: 'Cluster to clone.'}),
    cluster: Args.string({required: true, description: 'Identifier of the clone.'}),
  }

  static override flags = {
    ...instanceCountFlags,
    'instance-class': Flags.string({summary: 'Instance class (default: the source writer\'s).'}),
    ...waitFlags,
  }

  public async run(): Promise<DBCluster> {
    const {args, flags} = this
    const rds = await this.rds()
    const cluster = await restoreToPointInTime(
      rds,
      {sourceId: args.source, id: args.cluster, to: 'latest', restoreType: 'copy-on-write', instances: instanceCount(flags), instanceClass: flags['instance-class']},
      this.waitSettings(`Cloning ${args.source} into ${args.cluster}`, `auroractl cluster wait ${args.cluster}`),
    )
    // Aurora makes the 16th copy-on-write clone of a source a full copy, which has no clone group (told locally,
    // where the reply is known to carry CloneGroupId at once).
    if (this.onLocalEmulator && !cluster.CloneGroupId) this.warn(`${args.source} already has 15 copy-on-write clones: ${args.cluster} is a full copy.`)
    if (!this.jsonEnabled()) this.log(renderTopology(cluster, await clusterInstances(rds, args.cluster), this.stdoutColour))
    return cluster
  }
}
