/** Documented exit codes (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  error: 1,
  usage: 2,
  notFound: 3,
  conflict: 4,
  timeout: 5,
  interrupted: 130,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/**
 * Maps an AWS error code onto an exit code, whichever backend answered:
 * parameter faults are usage errors, missing resources are not-found, and
 * state, duplicate and quota faults are conflicts. A restore time outside the
 * window comes as InvalidRestoreFault or InvalidParameterValue, so both are usage.
 */
export function exitCodeForAwsCode(code: string): ExitCodeValue {
  if (/^(InvalidParameter|MissingParameter|ValidationError|MalformedQueryString|InvalidQueryParameter|MissingAction|InvalidAction|MissingRegion|InvalidRestoreFault$)/.test(code)) return ExitCode.usage
  if (/NotFound/.test(code)) return ExitCode.notFound
  if (/^Invalid.*State|AlreadyExists|Quota|StorageQuotaExceeded|InsufficientDB|QuorumUnavailable/.test(code)) return ExitCode.conflict
  return ExitCode.error
}
