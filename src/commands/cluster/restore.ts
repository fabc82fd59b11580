import type {DBCluster} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand, instanceCount, instanceCountFlags, waitFlags} from '../../lib/cli/base-command.js'
import {TIME_FORMS} from '../../lib/cli/time.js'
import {parseSeconds} from '../../lib/cli/values.js'
import {renderTopology} from '../../lib/cli/views.js'
import {clusterInstances} from '../../lib/rds/read.js'
import {restoreToPointInTime} from '../../lib/rds/restore.js'

export default class ClusterRestore extends BaseCommand<typeof ClusterRestore> {
  static override summary = 'Restore a cluster as it was at a point in time into a new cluster.'
  static override description =
    'Restores from the source\'s continuous backups (--to-time, or --latest for its latest restorable time), then adds instances ' +
    'like the source\'s writer (its class, or db.serverless with the same capacity range), spread over the AZs. ' +
    `Times: ${TIME_FORMS}; relative times count back from the backend's clock (the emulator's on the local backend). ` +
    'A time outside the restorable window is refused with the window in the message.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> orders orders-before-bug --to-time "2h ago"',
    '<%= config.bin %> <%= command.id %> orders orders-0700 --to-time 2026-11-25T07:00:00Z --instances 2',
    '<%= config.bin %> <%= command.id %> orders orders-latest --latest --no-instances --json',
  ]

  static override args = {
    source: Args.string({required: true, description: 'Cluster to restore from.'}),
    cluster: Args.string({required: true, description: 'Identifier of the new cluster.'}),
  }

  static override flags = {
    'to-time': Flags.string({summary: 'Time to restore to, e.g. 2026-11-25T07:00:00Z (UTC if no zone), "15m ago", now.', exactlyOne: ['to-time', 'latest']}),
    latest: Flags.boolean({summary: 'Restore to the source\'s latest restorable time.', exactlyOne: ['to-time', 'latest']}),
    'copy-on-write': Flags.boolean({summary: 'Restore as a clone sharing the source\'s pages (needs --latest).', exclusive: ['to-time']}),
    ...instanceCountFlags,
    'instance-class': Flags.string({summary: 'Instance class (default: the source writer\'s).'}),
    'backtrack-window': Flags.string({summary: 'Backtrack window for aurora-mysql, e.g. 24h (at most 72h).'}),
    ...waitFlags,
  }

  public async run(): Promise<DBCluster> {
    const {args, flags} = this
    const to = flags['to-time'] === undefined ? 'latest' : await this.timeFlag('--to-time', flags['to-time'])
    const backtrackWindowSeconds = flags['backtrack-window'] === undefined ? undefined : parseSeconds('--backtrack-window', flags['backtrack-window'])
    const rds = await this.rds()
    const cluster = await restoreToPointInTime(
      rds,
      {
        sourceId: args.source,
        id: args.cluster,
        to,
        restoreType: flags['copy-on-write'] ? 'copy-on-write' : 'full-copy',
        instances: instanceCount(flags),
        instanceClass: flags['instance-class'],
        backtrackWindowSeconds,
      },
      this.waitSettings(`Restoring ${args.source} into ${args.cluster}`, `auroractl cluster wait ${args.cluster}`),
    )
    if (!this.jsonEnabled()) this.log(renderTopology(cluster, await clusterInstances(rds, args.cluster), this.stdoutColour))
    return cluster
  }
}
