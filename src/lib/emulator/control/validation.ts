import type {AuroraEngine} from './engines.js'
import {invalidParameterCombination, invalidParameterValue} from './faults.js'
import type {ServerlessV2Scaling, Tag} from './model.js'

const IDENTIFIER = /^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$/

/** RDS identifier rules: 1–63 letters, digits, hyphens; starts with a letter; no trailing hyphen, no "--". Returns it lowercased. */
export function validateIdentifier(parameter: string, value: string): string {
  if (value === '') throw invalidParameterValue(`The parameter ${parameter} must be provided and must not be blank.`)
  if (value.length > 63 || !IDENTIFIER.test(value) || value.endsWith('-')) {
    throw invalidParameterValue(
      `The parameter ${parameter} is not a valid identifier. Identifiers must begin with a letter; ` +
        'must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or contain two consecutive hyphens.',
    )
  }
  return value.toLowerCase()
}

/** DatabaseName: starts with a letter; letters, digits and underscores; at most 63 characters. */
export function validateDatabaseName(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw invalidParameterValue(
      'The parameter DatabaseName is not a valid identifier. It must begin with a letter and contain only ASCII letters, digits and underscores (at most 63).',
    )
  }
}

export function validateBackupRetentionPeriod(days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > 35) {
    throw invalidParameterValue(`Invalid backup retention period: ${days}. Backup retention period must be between 1 and 35.`)
  }
}

/** Backtrack is aurora-mysql only, 0–259200 seconds (72 hours). */
export function validateBacktrackWindow(engine: AuroraEngine, seconds: number): void {
  if (engine !== 'aurora-mysql') {
    throw invalidParameterValue(`Backtrack is not enabled for the ${engine} engine.`)
  }
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 259200) {
    throw invalidParameterValue(
      `The specified value (${seconds}) is not a valid Backtrack Window. Allowed values are within the range of 0 to 259200`,
    )
  }
}

export function validatePromotionTier(tier: number): void {
  if (!Number.isInteger(tier) || tier < 0 || tier > 15) {
    throw invalidParameterValue(`Invalid value ${tier} for PromotionTier. Valid values are 0 through 15.`)
  }
}

export function validatePort(port: number): void {
  if (!Number.isInteger(port) || port < 1150 || port > 65535) {
    throw invalidParameterValue(`Invalid port ${port}. Valid values are 1150-65535.`)
  }
}

function isHalfStep(n: number): boolean {
  return Number.isFinite(n) && Number.isInteger(n * 2)
}

/** Serverless v2: min 0 or 0.5–256, max 1–256, half-ACU steps, min ≤ max, auto-pause 300–86400 s (AURORA_FACTS §5). */
export function validateServerlessV2(input: {MinCapacity?: number; MaxCapacity?: number; SecondsUntilAutoPause?: number}): ServerlessV2Scaling {
  const {MinCapacity: min, MaxCapacity: max, SecondsUntilAutoPause: pause} = input
  if (min === undefined || max === undefined) {
    throw invalidParameterCombination('ServerlessV2ScalingConfiguration requires both MinCapacity and MaxCapacity.')
  }
  if (!isHalfStep(min) || !(min === 0 || (min >= 0.5 && min <= 256))) {
    throw invalidParameterValue(`Serverless v2 minimum capacity ${min} isn't valid. The minimum capacity must be 0 or between 0.5 and 256 ACUs, in increments of 0.5.`)
  }
  if (!isHalfStep(max) || max < 1 || max > 256) {
    throw invalidParameterValue(`Serverless v2 maximum capacity ${max} isn't valid. The maximum capacity must be between 1 and 256 ACUs, in increments of 0.5.`)
  }
  if (min > max) {
    throw invalidParameterValue(`Serverless v2 maximum capacity ${max} must be greater than or equal to the minimum capacity ${min}.`)
  }
  if (pause !== undefined && (!Number.isInteger(pause) || pause < 300 || pause > 86400)) {
    throw invalidParameterValue(`SecondsUntilAutoPause ${pause} isn't valid. It must be between 300 and 86400 seconds.`)
  }
  if (pause !== undefined && min !== 0) {
    throw invalidParameterCombination('SecondsUntilAutoPause can be set only when the minimum capacity is 0 ACUs.')
  }
  return {MinCapacity: min, MaxCapacity: max, ...(min === 0 ? {SecondsUntilAutoPause: pause ?? 300} : {})}
}

// `postgres` is not reserved: it is the console's default master user for Aurora PostgreSQL.
const RESERVED_USERNAMES: Record<AuroraEngine, readonly string[]> = {
  'aurora-postgresql': ['rdsadmin', 'rds_superuser', 'rdsrepladmin', 'public'],
  'aurora-mysql': ['rdsadmin', 'rdsrepladmin', 'mysql.sys', 'mysql.session', 'mysql.infoschema'],
}

/** Master user name: starts with a letter, letters/digits/underscores, ≤ 16 (MySQL) or ≤ 63 (PostgreSQL), not reserved. */
export function validateMasterUsername(engine: AuroraEngine, name: string): void {
  const max = engine === 'aurora-mysql' ? 16 : 63
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name) || name.length > max) {
    throw invalidParameterValue(
      `The parameter MasterUsername is not a valid identifier. It must begin with a letter, contain only ASCII letters, digits and underscores, and be 1 to ${max} characters long.`,
    )
  }
  if (RESERVED_USERNAMES[engine].includes(name.toLowerCase())) {
    throw invalidParameterValue(`MasterUsername ${name} cannot be used as it is a reserved word used by the engine`)
  }
}

/** Master password: printable ASCII except / " @ and space; 8–41 (MySQL) or 8–99 (PostgreSQL) characters. */
export function validateMasterPassword(engine: AuroraEngine, password: string): void {
  const max = engine === 'aurora-mysql' ? 41 : 99
  if (password.length < 8) {
    throw invalidParameterValue('The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters.')
  }
  if (password.length > max) {
    throw invalidParameterValue(`The parameter MasterUserPassword is not a valid password because it is longer than ${max} characters.`)
  }
  if (!/^[\x21-\x7e]*$/.test(password) || /[/"@]/.test(password)) {
    throw invalidParameterValue(
      "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters besides '/', '@', '\"', ' ' may be used.",
    )
  }
}

const WINDOW_TIME = '([01]\\d|2[0-3]):[0-5]\\d'
const BACKUP_WINDOW = new RegExp(`^${WINDOW_TIME}-${WINDOW_TIME}$`)
const MAINTENANCE_WINDOW = new RegExp(`^(mon|tue|wed|thu|fri|sat|sun):${WINDOW_TIME}-(mon|tue|wed|thu|fri|sat|sun):${WINDOW_TIME}$`)

/** `hh24:mi-hh24:mi`, at least 30 minutes. */
export function validateBackupWindow(window: string): void {
  if (!BACKUP_WINDOW.test(window)) {
    throw invalidParameterValue(`The parameter PreferredBackupWindow must be in the format hh24:mi-hh24:mi, got ${window}.`)
  }
  const [start, end] = window.split('-').map(minutesOfDay)
  if ((end - start + 1440) % 1440 < 30) {
    throw invalidParameterValue('The backup window must be at least 30 minutes.')
  }
}

/** `ddd:hh24:mi-ddd:hh24:mi`, at least 30 minutes. */
export function validateMaintenanceWindow(window: string): void {
  const lower = window.toLowerCase()
  if (!MAINTENANCE_WINDOW.test(lower)) {
    throw invalidParameterValue(`The parameter PreferredMaintenanceWindow must be in the format ddd:hh24:mi-ddd:hh24:mi, got ${window}.`)
  }
  const [start, end] = lower.split('-').map(minutesOfWeek)
  if ((end - start + 10080) % 10080 < 30) {
    throw invalidParameterValue('The maintenance window must be at least 30 minutes.')
  }
}

function minutesOfDay(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h * 60 + m
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
function minutesOfWeek(dhhmm: string): number {
  const [d, h, m] = dhhmm.split(':')
  return DAYS.indexOf(d) * 1440 + Number(h) * 60 + Number(m)
}

/** MasterUserPassword and ManageMasterUserPassword are alternatives; creating a cluster needs one of them. */
export function validateMasterCredentialChoice(
  engine: AuroraEngine, password: string | undefined, manage: boolean | undefined, required: boolean,
): void {
  if (password !== undefined && manage === true) {
    throw invalidParameterCombination('You can\'t specify both MasterUserPassword and ManageMasterUserPassword.')
  }
  if (password === undefined && manage !== true && required) {
    throw invalidParameterValue('The parameter MasterUserPassword must be provided and must not be blank.')
  }
  if (password !== undefined) validateMasterPassword(engine, password)
}

/** Tag keys 1–128 characters and not in the aws:/rds: namespaces; values up to 256 characters. */
export function validateTags(tags: Tag[] | undefined): void {
  for (const tag of tags ?? []) {
    if (!tag.Key) throw invalidParameterValue('Tag keys must be provided and must not be blank.')
    if (tag.Key.length > 128 || (tag.Value ?? '').length > 256) {
      throw invalidParameterValue('Tag keys can be at most 128 characters and tag values at most 256 characters.')
    }
    if (tag.Key.toLowerCase().startsWith('aws:') || tag.Key.toLowerCase().startsWith('rds:')) {
      throw invalidParameterValue(`Tag keys can't start with aws: or rds:, got ${tag.Key}.`)
    }
  }
}
