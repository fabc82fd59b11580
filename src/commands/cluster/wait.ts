import type {DBCluster} from '@aws-sdk/client-rds'
import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {waitUntilClusterGone, waitUntilStopped, waitUntilUsable} from '../../lib/rds/wait.js'

export default class ClusterWait extends BaseCommand<typeof ClusterWait> {
  static override summary = 'Wait until a cluster is usable (or stopped, or deleted).'
  static override description = 'Usable means the cluster and every instance are available and a writer is in place — more than AWS\'s own waiter checks.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo', '<%= config.bin %> <%= command.id %> demo --deleted --timeout 20m']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {
    stopped: Flags.boolean({summary: 'Wait until it is stopped.', exclusive: ['deleted']}),
    deleted: Flags.boolean({summary: 'Wait until it no longer exists.'}),
    timeout: Flags.string({default: '60m', summary: 'Give up after this long (exit 5).'}),
  }

  public async run(): Promise<DBCluster | {DBClusterIdentifier: string; Status: 'deleted'}> {
    const {flags, args} = this
    const rds = await this.rds()
    const resume = `auroractl cluster wait ${args.cluster}${flags.stopped ? ' --stopped' : flags.deleted ? ' --deleted' : ''}`
    const wait = this.waitSettingsFor(`Waiting for ${args.cluster}`, resume, flags.timeout)
    if (flags.deleted) {
      await waitUntilClusterGone(rds, args.cluster, wait)
      this.log(`${args.cluster} is deleted.`)
      return {DBClusterIdentifier: args.cluster, Status: 'deleted'}
    }
    const cluster = flags.stopped ? await waitUntilStopped(rds, args.cluster, wait) : await waitUntilUsable(rds, args.cluster, wait)
    this.log(`${args.cluster} is ${flags.stopped ? 'stopped' : 'usable'}.`)
    return cluster
  }
}
