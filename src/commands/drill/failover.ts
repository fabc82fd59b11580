import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../lib/cli/base-command.js'
import {CommandError} from '../../lib/cli/errors.js'
import {ExitCode} from '../../lib/cli/exit-codes.js'
import {renderTable} from '../../lib/cli/table.js'
import {resolveSqlPassword} from '../../lib/cli/prompts.js'
import {parseMilliseconds} from '../../lib/cli/values.js'
import {waitForWriterEngine} from '../../lib/local/compute.js'
import {failoverDrill, type FailoverDrillResult} from '../../lib/sql/drill.js'
import {sqlEndpoint} from '../../lib/sql/endpoint.js'

export default class DrillFailover extends BaseCommand<typeof DrillFailover> {
  static override summary = 'Rehearse a failover under load: writes through the cluster endpoint, a failover, and what was lost.'
  static override description =
    'Writes rows to a table of its own (dropped afterwards unless --keep-table) through the cluster endpoint, fails over, ' +
    'and reports how long writes were unavailable, when they resumed, and how many acknowledged writes are missing (must be 0; ' +
    'the exit code is 1 otherwise). The password comes from PGPASSWORD, --password-stdin or a prompt. Works on AWS too, ' +
    'where this machine reaches the cluster.'
  static override examples = [
    'PGPASSWORD=… <%= config.bin %> <%= command.id %> demo',
    '<%= config.bin %> <%= command.id %> demo --password-stdin --json < password.txt',
  ]
  static override args = {cluster: Args.string({required: true, description: 'Cluster identifier (aurora-postgresql).'})}
  static override flags = {
    target: Flags.string({summary: 'The replica to promote (default: Aurora\'s choice).'}),
    'password-stdin': Flags.boolean({summary: 'Read the master password from stdin.'}),
    warmup: Flags.string({default: '2s', summary: 'How long to write before failing over.'}),
    settle: Flags.string({default: '2s', summary: 'How long to keep writing after writes resume.'}),
    'keep-table': Flags.boolean({summary: 'Keep the drill\'s table for inspection.'}),
    timeout: Flags.string({default: '15m', summary: 'Give up waiting for the failover after this long (exit 5).'}),
  }

  public async run(): Promise<FailoverDrillResult> {
    const {flags, args} = this
    const durations = {warmupMs: parseMilliseconds('--warmup', flags.warmup), settleMs: parseMilliseconds('--settle', flags.settle)}
    const password = await resolveSqlPassword(flags['password-stdin'])
    const rds = await this.rds()
    const local = this.onLocalEmulator
    const endpoint = await sqlEndpoint(rds, args.cluster, {onDaemonStarted: this.daemonStarted}, local)
    if (endpoint.engine !== 'aurora-postgresql') {
      throw new CommandError(`The failover drill writes through PostgreSQL; ${endpoint.cluster} is ${endpoint.engine}.`, {exitCode: ExitCode.usage})
    }
    const wait = this.waitSettingsFor(`Drilling failover on ${args.cluster}`, `auroractl cluster wait ${args.cluster}`, flags.timeout)
    const result = await failoverDrill(rds, endpoint, {
      password, target: flags.target, ...durations, keepTable: flags['keep-table'], wait,
      afterFailover: local ? () => waitForWriterEngine(rds.region, endpoint.cluster, wait) : undefined,
      onProgress: wait.onProgress,
    })
    const c = this.stdoutColour
    const lost = result.lostWrites === 0 ? c.green('0') : c.red(String(result.lostWrites))
    this.log(
      renderTable(['MEASURE', 'VALUE'], [
        ['writer', `${result.previousWriter ?? '?'} → ${result.newWriter ?? '?'}`],
        ['writes unavailable', `${(result.writesUnavailableMs / 1000).toFixed(2)} s`],
        ['writes resumed after', `${(result.writesResumedAfterMs / 1000).toFixed(2)} s`],
        ['failover completed after', `${(result.failoverCompletedAfterMs / 1000).toFixed(2)} s`],
        ['acknowledged writes', String(result.acknowledgedWrites)],
        ['failed attempts (outcome unknown)', String(result.failedAttempts)],
        ['acknowledged writes lost', lost],
      ], c.bold),
    )
    if (result.lostWrites > 0) {
      this.notice(c.red(`${result.lostWrites} acknowledged writes are missing from ${result.table}.`))
      process.exitCode = ExitCode.error
    }
    return result
  }
}
