import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {waitForWriterEngine} from '../../lib/local/compute.js'
import {type FailoverResult, failoverCluster} from '../../lib/rds/clusters.js'

export default class ClusterFailover extends BaseCommand<typeof ClusterFailover> {
  static override summary = 'Fail over to a reader; waits until the new writer is usable.'
  static override description = 'Without --target, Aurora promotes the best reader: lowest promotion tier, then largest class.'
  static override examples = ['<%= config.bin %> <%= command.id %> demo', '<%= config.bin %> <%= command.id %> demo --target demo-instance-2 --json']
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier.'})}
  static override flags = {
    target: Flags.string({summary: 'The reader to promote.'}),
    ...waitFlags,
  }

  public async run(): Promise<FailoverResult> {
    const {flags, args} = this
    const started = Date.now()
    const rds = await this.rds()
    const wait = this.waitSettings(`Failing over ${args.cluster}`, `auroractl cluster wait ${args.cluster}`)
    const result = await failoverCluster(rds, args.cluster, flags.target, wait)
    // Locally "usable" also means the new writer's PostgreSQL has opened the volume and takes writes.
    if (wait && this.onLocalEmulator) await waitForWriterEngine(rds.region, args.cluster, wait)
    if (result.newWriter) this.log(`Failed over ${args.cluster}: writer ${result.previousWriter} → ${result.newWriter} in ${((Date.now() - started) / 1000).toFixed(1)}s.`)
    else this.log(`Failover of ${args.cluster} started (writer was ${result.previousWriter}).`)
    return result
  }
}
