import {ExitCode, type ExitCodeValue, exitCodeForAwsCode} from './exit-codes.js'

/**
 * An error the CLI reports in one or two lines: what failed, then what to do next.
 * `code` is the AWS error code when a backend answered with one.
 */
export class CommandError extends Error {
  readonly exitCode: ExitCodeValue
  readonly code?: string
  readonly hint?: string

  constructor(message: string, options: {exitCode?: ExitCodeValue; code?: string; hint?: string} = {}) {
    super(message)
    this.name = 'CommandError'
    this.exitCode = options.exitCode ?? (options.code ? exitCodeForAwsCode(options.code) : ExitCode.error)
    this.code = options.code
    this.hint = options.hint
  }
}

export class TimeoutError extends CommandError {
  constructor(message: string, hint?: string) {
    super(message, {exitCode: ExitCode.timeout, hint})
    this.name = 'TimeoutError'
  }
}

export class InterruptedError extends CommandError {
  constructor(message = 'Interrupted.', hint?: string) {
    super(message, {exitCode: ExitCode.interrupted, hint})
    this.name = 'InterruptedError'
  }
}

interface AwsLikeError {
  name?: string
  code?: string
  Code?: string
  message?: string
  $fault?: string
  $metadata?: {httpStatusCode?: number}
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE'])

/** Normalises anything thrown below the command layer into a CommandError. */
export function toCommandError(err: unknown, context: {hintFor?: (code: string) => string | undefined} = {}): CommandError {
  if (err instanceof CommandError) return err
  const e = (err ?? {}) as AwsLikeError & {oclif?: {exit?: number}}
  if (e.oclif?.exit !== undefined) {
    return new CommandError(e.message ?? String(err), {exitCode: e.oclif.exit === 2 ? ExitCode.usage : (e.oclif.exit as ExitCodeValue)})
  }
  if (e.name === 'ExitPromptError' || e.name === 'AbortPromptError') return new InterruptedError('Cancelled.')
  const sysCode = typeof e.code === 'string' ? e.code : undefined
  if (sysCode && NETWORK_CODES.has(sysCode)) {
    return new CommandError(`Could not reach the endpoint: ${e.message ?? sysCode}`, {
      hint: 'Check --endpoint-url and your network; for the local emulator run `auroractl local status`.',
    })
  }
  if (e.name === 'CredentialsProviderError' || e.name === 'TokenProviderError') {
    return new CommandError(`No usable AWS credentials: ${e.message}`, {
      hint: 'Configure credentials (aws configure, aws sso login, AWS_PROFILE or --profile), or use --backend local.',
    })
  }
  if (e.$metadata || e.$fault) {
    const code = e.name && e.name !== 'Error' ? e.name : e.Code ?? 'UnknownError'
    return new CommandError(e.message || code, {code, hint: context.hintFor?.(code)})
  }
  return new CommandError(err instanceof Error ? err.message : String(err))
}
