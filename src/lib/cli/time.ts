import {parseDuration} from './duration.js'
import {CommandError} from './errors.js'
import {ExitCode} from './exit-codes.js'

/** A point in time as typed: absolute, or some time before the backend's now. */
export type TimePoint = {at: Date} | {agoMs: number}

/** The forms a time flag accepts, for help texts and error messages. */
export const TIME_FORMS = 'ISO 8601 (2026-11-25T07:00:00Z, +01:00 offsets, fractions of a second; without a zone it is UTC), 15m ago, 1h30m ago, or now'

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i

function parseIso(text: string): Date | undefined {
  const m = ISO.exec(text)
  if (!m) return undefined
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)))
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0
  const utc = Date.UTC(year!, month! - 1, day!, hour, minute, second, ms)
  // Date.UTC rolls 2026-02-30 over into March; a date that does not survive the round trip was not a date.
  const check = new Date(utc)
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month! - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined
  const zone = m[8]?.toUpperCase()
  if (!zone || zone === 'Z') return check
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))
  return new Date(utc - sign * offsetMinutes * 60_000)
}

/**
 * Parses a time flag: ISO 8601 (a time without a zone is UTC, as the RDS API takes it),
 * `now`, or a duration before now (`15m`, `15m ago`, `1h30m ago`). Relative times are kept
 * relative: only the backend knows what now is (the local emulator's clock can be advanced).
 */
export function parseTimePoint(flag: string, text: string): TimePoint {
  const trimmed = text.trim().toLowerCase()
  if (trimmed === 'now') return {agoMs: 0}
  const at = parseIso(text.trim())
  if (at) return {at}
  const ago = trimmed.replace(/\s+ago$/, '')
  // A bare number is a duration in seconds elsewhere, but as a time it reads like an epoch or a year.
  if (ago !== '' && !/^\d+(\.\d+)?$/.test(ago)) {
    try {
      return {agoMs: parseDuration(ago)}
    } catch {
      // Not a duration either; the error below names every accepted form.
    }
  }
  throw new CommandError(`${flag}: "${text}" is not a time; use ${TIME_FORMS}.`, {exitCode: ExitCode.usage})
}

/** The time a point stands for, given the backend's now. */
export function resolveTimePoint(point: TimePoint, now: Date): Date {
  return 'at' in point ? point.at : new Date(now.getTime() - point.agoMs)
}
