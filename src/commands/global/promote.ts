import {Args, Flags} from '@oclif/core'

import {BaseCommand, waitFlags} from '../../lib/cli/base-command.js'
import {CommandError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {confirmDestructive} from '../../lib/cli/prompts.js'
import {waitForWriterEngine} from '../../lib/local/compute.js'
import {globalReplication, type LostCommitReport} from '../../lib/local/global.js'
import {promote, type PromoteResult} from '../../lib/rds/global.js'

export interface PromoteCommandResult extends PromoteResult {
  /** What the failover dropped, where the local emulator reports it. */
  lostCommits?: LostCommitReport
}

export default class GlobalPromote extends BaseCommand<typeof GlobalPromote> {
  static override summary = 'Make the secondary in --region the primary (switchover or failover), or detach it as a standalone cluster.'
  static override description =
    'switchover: the secondaries catch up first, nothing is lost, and the old primary becomes a secondary. ' +
    'failover: at once, for when the primary Region is down; writes not yet replicated are lost, so it needs --allow-data-loss ' +
    'and a typed confirmation (or --yes). detach: RemoveFromGlobalCluster; the member stops replicating and becomes a standalone ' +
    'read/write cluster. Waits until the new primary takes writes unless --no-wait.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> orders-global --region eu-west-1 --mode switchover',
    '<%= config.bin %> <%= command.id %> orders-global --region eu-west-1 --mode failover --allow-data-loss --yes --json',
    '<%= config.bin %> <%= command.id %> orders-global --region eu-west-1 --mode detach',
  ]

  static override args = {global: Args.string({required: true, description: 'Global cluster identifier.'})}
  static override flags = {
    mode: Flags.option({options: ['switchover', 'failover', 'detach'] as const, required: true, summary: 'How to promote.'})(),
    cluster: Flags.string({summary: 'The member cluster in --region, if the Region has several.'}),
    'allow-data-loss': Flags.boolean({summary: 'Needed by --mode failover: writes not yet replicated to the target are lost.'}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation of a failover.'}),
    ...waitFlags,
  }

  public async run(): Promise<PromoteCommandResult> {
    const {flags, args} = this
    if (flags.mode === 'failover' && !flags['allow-data-loss']) {
      throw new CommandError('A failover loses the writes not yet replicated to the target; it needs --allow-data-loss.', {
        exitCode: ExitCode.usage,
        hint: 'Use --mode switchover to lose nothing while the primary Region is up, or add --allow-data-loss.',
      })
    }
    const rds = await this.rds()
    // As with `aws rds failover-global-cluster`, the command's Region is the one promoted.
    const targetRegion = rds.region
    const local = this.onLocalEmulator
    if (flags.mode === 'failover') {
      const lag = local ? (await globalReplication(args.global, this.daemonStarted))?.secondaries.find((s) => s.region === targetRegion) : undefined
      const loss = lag?.lagMs !== undefined ? `currently ${lag.lagMs} ms (${lag.lagLsn} LSN) behind${lag.linkUp ? '' : ', link down'}` : local ? 'lag unknown' : 'lag unknown on AWS'
      await confirmDestructive(`fail over global cluster ${args.global} to ${targetRegion}, losing the writes not yet replicated there (${loss})`, args.global, flags.yes)
    }
    const wait = this.waitSettings(`Promoting ${targetRegion} in ${args.global} (${flags.mode})`, `auroractl global describe ${args.global}`)
    const result: PromoteCommandResult = await promote(rds, {global: args.global, region: targetRegion, cluster: flags.cluster, mode: flags.mode}, wait)
    // Locally "takes writes" also means the new primary's PostgreSQL has opened the volume.
    if (wait && local) await waitForWriterEngine(targetRegion, result.target.cluster, wait)
    if (flags.mode === 'failover' && local) {
      const lost = (await globalReplication(args.global, this.daemonStarted))?.lastFailover
      if (lost) result.lostCommits = lost
    }
    const took = result.completedAfterMs === undefined ? '' : ` in ${(result.completedAfterMs / 1000).toFixed(1)}s`
    const lost = result.lostCommits ? `; ${result.lostCommits.lostCommits} commits lost` : ''
    if (flags.mode === 'detach') this.log(`${flags.wait ? 'Detached' : 'Detaching'} ${result.target.cluster} (${targetRegion}) from ${args.global}${took}; it is a standalone cluster now.`)
    else this.log(`${flags.wait ? 'Promoted' : 'Promoting'} ${result.target.cluster} (${targetRegion}) to primary of ${args.global} by ${flags.mode}${took}${lost}.`)
    return result
  }
}
