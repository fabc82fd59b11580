import type {DBCluster} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, instanceCount, instanceCountFlags, waitFlags} from '../../lib/cli/base-command.js'
import {parseAcus, parseSeconds} from '../../lib/cli/values.js'
import {renderTopology} from '../../lib/cli/views.js'
import {clusterInstances} from '../../lib/rds/read.js'
import {restoreFromSnapshot} from '../../lib/rds/restore.js'

export default class SnapshotRestore extends BaseCommand<typeof SnapshotRestore> {
  static override summary = 'Restore a snapshot into a new cluster with its instances.'
  static override description =
    'Creates the cluster from the snapshot (same engine and version), then its instances over the AZs as cluster create does. ' +
    'Waits until the cluster and every instance are available unless --no-wait.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> demo-before-upgrade demo-restored',
    '<%= config.bin %> <%= command.id %> demo-before-upgrade demo-restored --instances 2 --instance-class db.r6g.xlarge --json',
  ]

  static override args = {
    snapshot: Args.string({required: true, description: 'Snapshot to restore.'}),
    cluster: Args.string({required: true, description: 'Identifier of the new cluster.'}),
  }

  static override flags = {
    ...instanceCountFlags,
    'instance-class': Flags.string({summary: 'Instance class (default db.r6g.large).', exclusive: ['serverless-min']}),
    'serverless-min': Flags.string({summary: 'Serverless v2 minimum ACUs; instances are db.serverless.', dependsOn: ['serverless-max']}),
    'serverless-max': Flags.string({summary: 'Serverless v2 maximum ACUs.', dependsOn: ['serverless-min']}),
    'backtrack-window': Flags.string({summary: 'Backtrack window for aurora-mysql, e.g. 24h (at most 72h).'}),
    ...waitFlags,
  }

  public async run(): Promise<DBCluster> {
    const {args, flags} = this
    const serverless = flags['serverless-min'] === undefined ? undefined : {min: parseAcus('--serverless-min', flags['serverless-min']), max: parseAcus('--serverless-max', flags['serverless-max']!)}
    const backtrackWindowSeconds = flags['backtrack-window'] === undefined ? undefined : parseSeconds('--backtrack-window', flags['backtrack-window'])
    const rds = await this.rds()
    const cluster = await restoreFromSnapshot(
      rds,
      {snapshotId: args.snapshot, id: args.cluster, instances: instanceCount(flags), instanceClass: flags['instance-class'], serverless, backtrackWindowSeconds},
      this.waitSettings(`Restoring ${args.snapshot} into ${args.cluster}`, `auroractl cluster wait ${args.cluster}`),
    )
    if (!this.jsonEnabled()) this.log(renderTopology(cluster, await clusterInstances(rds, args.cluster), this.stdoutColour))
    return cluster
  }
}
