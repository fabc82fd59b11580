import {Command, Flags, type Interfaces, ux} from '@oclif/core'

import {backendNow, closeRds, LOCAL_DEFAULT_REGION, openRds, type Rds, type Target} from '../rds/client.js'
import type {WaitSettings} from '../rds/wait.js'
import {WaitTimeout} from '../rds/wait.js'
import {parseDuration} from './duration.js'
import {CommandError, InterruptedError, TimeoutError, toCommandError} from './errors.js'
import {ExitCode} from './exit-codes.js'
import {hintForCode} from './hints.js'
import {Progress} from './progress.js'
import {chalkFor} from './terminal.js'
import {parseTimePoint, resolveTimePoint} from './time.js'
import {parseSeconds} from './values.js'

export type FlagsOf<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type ArgsOf<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** Flags of commands that wait for their operation to finish (spread into `static flags`). */
export const waitFlags = {
  wait: Flags.boolean({default: true, allowNo: true, summary: 'Wait until the result is usable (--no-wait returns at once).'}),
  timeout: Flags.string({default: '60m', summary: 'Give up waiting after this long (exit 5), e.g. 90s, 15m, 2h.'}),
}

/** How many instances a new (restored, cloned) cluster gets; spread into `static flags` with an --instance-class. */
export const instanceCountFlags = {
  instances: Flags.integer({min: 0, max: 16, summary: 'Instances to create: one writer plus readers (default 1).'}),
  'no-instances': Flags.boolean({summary: 'Create the cluster only; add instances later with `instance add`.', exclusive: ['instances']}),
}

export function instanceCount(flags: {instances?: number; 'no-instances'?: boolean}): number {
  return flags['no-instances'] ? 0 : flags.instances ?? 1
}

/**
 * The one base of every command: global flags, the RDS client for the chosen backend,
 * waiting with progress on stderr, and errors mapped to documented exit codes.
 * A command's `run()` returns its result, which is exactly its `--json` output.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    backend: Flags.option({
      options: ['local', 'aws'] as const,
      default: 'local' as const,
      env: 'AURORACTL_BACKEND',
      helpGroup: 'GLOBAL',
      summary: 'Where requests go: the local emulator or AWS.',
    })(),
    region: Flags.string({env: 'AWS_REGION', helpGroup: 'GLOBAL', summary: 'AWS region (local default: us-east-1).'}),
    profile: Flags.string({env: 'AWS_PROFILE', helpGroup: 'GLOBAL', summary: 'AWS profile for credentials (aws backend).'}),
    'endpoint-url': Flags.string({helpGroup: 'GLOBAL', summary: 'Send requests to this endpoint instead of the default.'}),
  }

  protected flags!: FlagsOf<T>
  protected args!: ArgsOf<T>
  protected readonly stdoutColour = chalkFor(process.stdout)
  protected readonly stderrColour = chalkFor(process.stderr)
  private rdsClient?: Rds
  private waitingFor?: string
  private progress?: Progress

  public override async init(): Promise<void> {
    await super.init()
    const {args, flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as FlagsOf<T>
    this.args = args as ArgsOf<T>
    process.once('SIGINT', () => {
      const hint = this.waitingFor ? `The operation goes on; run \`${this.waitingFor}\` to keep waiting.` : undefined
      this.report(new InterruptedError('Interrupted.', hint))
      process.exit(ExitCode.interrupted)
    })
  }

  protected get target(): Target {
    const f = this.flags as FlagsOf<typeof BaseCommand>
    return {backend: f.backend, region: f.region, profile: f.profile, endpointUrl: f['endpoint-url']}
  }

  protected async rds(): Promise<Rds> {
    if (!this.rdsClient) this.rdsClient = await openRds(this.target, {onDaemonStarted: this.daemonStarted})
    return this.rdsClient
  }

  protected readonly daemonStarted = (endpoint: string, pid: number): void =>
    this.notice(`Started the local Aurora emulator at ${endpoint} (pid ${pid}); stop it with \`auroractl local stop\`.`)

  /**
   * Whether requests go to this machine's emulator daemon, which also answers the admin API
   * (endpoint addresses, engines); not with --endpoint-url, which may point anywhere.
   */
  protected get onLocalEmulator(): boolean {
    return this.target.backend === 'local' && !this.target.endpointUrl
  }

  /** The Region of an emulator-only command, which has no meaning on AWS. */
  protected localRegion(): string {
    if (this.target.backend !== 'local') {
      throw new CommandError(`\`auroractl ${this.id?.replaceAll(':', ' ')}\` drives the local emulator only.`, {exitCode: ExitCode.usage, hint: 'Drop --backend aws (or AURORACTL_BACKEND=aws).'})
    }
    return this.target.region || LOCAL_DEFAULT_REGION
  }

  /**
   * A time flag as a point in time. Relative forms (`15m ago`, `now`) count back from the
   * backend's clock, which on the local emulator may have been advanced past this machine's.
   * Bad input fails here, before any request.
   */
  protected async timeFlag(flag: string, text: string): Promise<Date> {
    const point = parseTimePoint(flag, text)
    return 'at' in point ? point.at : resolveTimePoint(point, await backendNow(await this.rds()))
  }

  /** A time this long before the backend's now (`--by 15m`). */
  protected async timeAgo(flag: string, duration: string): Promise<Date> {
    const ms = parseSeconds(flag, duration) * 1000
    return resolveTimePoint({agoMs: ms}, await backendNow(await this.rds()))
  }

  /**
   * oclif colours --json output token by token even when no theme gives it colours, which takes
   * ~0.1 s for a thousand clusters; without a theme its text is exactly JSON.stringify's.
   */
  protected override logJson(json: unknown): void {
    if (this.config.theme?.json) return super.logJson(json)
    ux.stdout(JSON.stringify(json, null, 2))
  }

  /** A line for people, on stderr, so stdout stays the result. */
  protected notice(message: string): void {
    process.stderr.write(`${message}\n`)
  }

  /**
   * Wait settings from --wait/--timeout, with progress on stderr; undefined for --no-wait.
   * `resume` is the command that continues the wait if this one is interrupted or times out.
   */
  protected waitSettings(label: string, resume: string): WaitSettings | undefined {
    const f = this.flags as {wait?: boolean; timeout?: string}
    if (f.wait === false) return undefined
    return this.waitSettingsFor(label, resume, f.timeout ?? '60m')
  }

  protected waitSettingsFor(label: string, resume: string, timeout: string): WaitSettings {
    let timeoutMs: number
    try {
      timeoutMs = parseDuration(timeout)
    } catch (error) {
      throw new CommandError(`--timeout: ${(error as Error).message}`, {exitCode: ExitCode.usage})
    }
    this.waitingFor = resume
    const progress = new Progress(label)
    this.progress = progress
    return {timeoutMs, onProgress: (state) => progress.update(state)}
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    this.progress?.done()
    if (this.rdsClient) await closeRds(this.rdsClient)
    await super.finally(err)
  }

  protected override async catch(err: Error & {exitCode?: number}): Promise<void> {
    let error: CommandError
    if (err instanceof WaitTimeout) {
      error = new TimeoutError(
        `Timed out waiting for ${err.what} (last seen: ${err.lastState}).`,
        this.waitingFor ? `It is still in progress; run \`${this.waitingFor}\` to keep waiting.` : undefined,
      )
    } else {
      error = toCommandError(err, {hintFor: (code) => hintForCode(code, this.target)})
    }
    process.exitCode = error.exitCode
    if (this.jsonEnabled()) {
      this.logJson({error: {code: error.code, message: error.message, exitCode: error.exitCode, hint: error.hint}})
    }
    this.report(error)
    if (process.env.DEBUG && err.stack) process.stderr.write(`${err.stack}\n`)
  }

  private report(error: CommandError): void {
    const c = this.stderrColour
    const code = error.code ? `${error.code}: ` : ''
    process.stderr.write(`${c.red('Error')}: ${code}${error.message}\n`)
    if (error.hint) process.stderr.write(`${c.dim('Try:')} ${error.hint}\n`)
  }
}
