/** A time as the RDS API writes it, to the second: 2026-11-25T07:00:00Z. */
export function isoTime(time: Date | string | undefined): string {
  if (time === undefined) return '-'
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
