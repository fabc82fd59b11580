import {parseDuration} from './duration.js'
import {CommandError} from './errors.js'
import {ExitCode} from './exit-codes.js'

/** A number of Aurora capacity units from a flag; the range itself is the backend's to judge. */
export function parseAcus(flag: string, value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n)) throw new CommandError(`${flag} must be a number of ACUs, got "${value}".`, {exitCode: ExitCode.usage})
  return n
}

/** A duration flag (`250ms`, `2s`, `90m`, or bare seconds) in milliseconds. */
export function parseMilliseconds(flag: string, value: string): number {
  try {
    return parseDuration(value)
  } catch (error) {
    throw new CommandError(`${flag}: ${(error as Error).message}`, {exitCode: ExitCode.usage})
  }
}

/** A duration flag (`24h`, `90m`, or bare seconds) in whole seconds. */
export function parseSeconds(flag: string, value: string): number {
  return Math.round(parseMilliseconds(flag, value) / 1000)
}
