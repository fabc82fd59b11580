import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {CommandError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {resolveSqlPassword} from '../../lib/cli/prompts.js'
import {renderTable} from '../../lib/cli/table.js'
import {parseMilliseconds} from '../../lib/cli/values.js'
import {globalDrill, type GlobalDrillResult} from '../../lib/sql/drill.js'

export default class DrillGlobal extends BaseCommand<typeof DrillGlobal> {
  static override summary = 'Rehearse a Region switchover or failover under load: RTO, RPO and replication lag.'
  static override description =
    'Writes rows to a table of its own (dropped afterwards unless --keep-table) through the primary\'s cluster endpoint, promotes ' +
    'the secondary in --region, and goes on writing through the new primary\'s cluster endpoint. Reports how long writes were ' +
    'unavailable (RTO), how many acknowledged writes the new primary lacks (RPO), the lag before the promotion (local emulator) ' +
    'and when the promotion completed. A switchover must lose nothing (exit 1 otherwise); a failover (--allow-data-loss) may. ' +
    'The password comes from PGPASSWORD, --password-stdin or a prompt.'

  static override examples = [
    'PGPASSWORD=… <%= config.bin %> <%= command.id %> orders-global --region eu-west-1',
    '<%= config.bin %> <%= command.id %> orders-global --region eu-west-1 --mode failover --allow-data-loss --password-stdin --json < password.txt',
  ]

  static override args = {global: Args.string({required: true, description: 'Global cluster identifier (aurora-postgresql).'})}
  static override flags = {
    mode: Flags.option({options: ['switchover', 'failover'] as const, default: 'switchover' as const, summary: 'How to promote the secondary.'})(),
    cluster: Flags.string({summary: 'The member cluster in --region, if the Region has several.'}),
    'allow-data-loss': Flags.boolean({summary: 'Needed by --mode failover: writes not yet replicated are lost.'}),
    'password-stdin': Flags.boolean({summary: 'Read the master password from stdin.'}),
    warmup: Flags.string({default: '2s', summary: 'How long to write before the promotion.'}),
    settle: Flags.string({default: '2s', summary: 'How long to keep writing after writes resume.'}),
    'keep-table': Flags.boolean({summary: 'Keep the drill\'s table for inspection.'}),
    timeout: Flags.string({default: '30m', summary: 'Give up waiting for the promotion after this long (exit 5).'}),
  }

  public async run(): Promise<GlobalDrillResult> {
    const {flags, args} = this
    if (flags.mode === 'failover' && !flags['allow-data-loss']) {
      throw new CommandError('A failover drill may lose the writes not yet replicated; it needs --allow-data-loss.', {exitCode: ExitCode.usage})
    }
    const durations = {warmupMs: parseMilliseconds('--warmup', flags.warmup), settleMs: parseMilliseconds('--settle', flags.settle)}
    const password = await resolveSqlPassword(flags['password-stdin'])
    const rds = await this.rds()
    const wait = this.waitSettingsFor(`Drilling ${flags.mode} of ${args.global} to ${rds.region}`, `auroractl global describe ${args.global}`, flags.timeout)
    const result = await globalDrill(rds, {
      global: args.global, region: rds.region, cluster: flags.cluster, mode: flags.mode, local: this.onLocalEmulator, onDaemonStarted: this.daemonStarted,
      password, ...durations, keepTable: flags['keep-table'], wait, onProgress: wait.onProgress,
    })
    const c = this.stdoutColour
    const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
    const lost = result.lostWrites === 0 ? c.green('0') : c.red(String(result.lostWrites))
    const rows = [
      ['primary', `${result.previousPrimary?.cluster ?? '?'} (${result.previousPrimary?.region ?? '?'}) → ${result.newPrimary.cluster} (${result.newPrimary.region})`],
      ['lag before promotion', result.lagBeforeMs === undefined ? 'unknown' : `${result.lagBeforeMs} ms (${result.lagBeforeLsn} LSN)`],
      ['writes unavailable (RTO)', seconds(result.writesUnavailableMs)],
      ['writes resumed after', seconds(result.writesResumedAfterMs)],
      [`${result.mode} completed after`, seconds(result.failoverCompletedAfterMs)],
      ['acknowledged writes', String(result.acknowledgedWrites)],
      ['failed attempts (outcome unknown)', String(result.failedAttempts)],
      ['acknowledged writes lost (RPO)', lost],
    ]
    if (result.lostCommits) rows.push(['commits lost (emulator)', String(result.lostCommits.lostCommits)])
    this.log(renderTable(['MEASURE', 'VALUE'], rows, c.bold))
    if (result.mode === 'switchover' && result.lostWrites > 0) {
      this.notice(c.red(`A switchover lost ${result.lostWrites} acknowledged writes from ${result.table}.`))
      process.exitCode = ExitCode.error
    }
    return result
  }
}
