import {describe, expect, it} from 'vitest'

import {CommandError} from '../../src/lib/cli/errors.js'
import {ExitCode} from '../../src/lib/cli/exit-codes.js'
import {parseTimePoint, resolveTimePoint} from '../../src/lib/cli/time.js'
import {backtrackWindow} from '../../src/lib/rds/backtrack.js'
import {restorableWindow} from '../../src/lib/rds/restore.js'

const at = (text: string) => {
  const point = parseTimePoint('--to-time', text)
  if (!('at' in point)) throw new Error(`${text} parsed as relative`)
  return point.at.toISOString()
}
const ago = (text: string) => {
  const point = parseTimePoint('--to-time', text)
  if (!('agoMs' in point)) throw new Error(`${text} parsed as absolute`)
  return point.agoMs
}

describe('time points', () => {
  it('reads ISO 8601 in UTC, with offsets and fractions of a second', () => {
    expect(at('2026-11-25T07:00:00Z')).toBe('2026-11-25T07:00:00.000Z')
    expect(at('2026-11-25t07:00:00z')).toBe('2026-11-25T07:00:00.000Z')
    expect(at('2026-11-25T08:30:00+01:00')).toBe('2026-11-25T07:30:00.000Z')
    expect(at('2026-11-25T02:00:00-0500')).toBe('2026-11-25T07:00:00.000Z')
    expect(at('2026-11-25T07:00:00.25Z')).toBe('2026-11-25T07:00:00.250Z')
    expect(at('2026-11-25T07:00:00.123456Z')).toBe('2026-11-25T07:00:00.123Z')
    expect(at('2026-11-25T07:00Z')).toBe('2026-11-25T07:00:00.000Z')
  })

  it('takes a time without a zone, or a bare date, as UTC', () => {
    expect(at('2026-11-25T07:00:00')).toBe('2026-11-25T07:00:00.000Z')
    expect(at('2026-11-25 07:00:00')).toBe('2026-11-25T07:00:00.000Z')
    expect(at('2026-11-25')).toBe('2026-11-25T00:00:00.000Z')
  })

  it('reads relative times as a duration before now', () => {
    expect(ago('now')).toBe(0)
    expect(ago('NOW')).toBe(0)
    expect(ago('15m')).toBe(900_000)
    expect(ago('15m ago')).toBe(900_000)
    expect(ago('2h ago')).toBe(7_200_000)
    expect(ago('1h30m ago')).toBe(5_400_000)
    expect(ago(' 3d  ago ')).toBe(259_200_000)
  })

  it('counts relative times back from the backend clock it is given', () => {
    const now = new Date('2026-12-01T00:00:00Z')
    expect(resolveTimePoint({agoMs: 3_600_000}, now).toISOString()).toBe('2026-11-30T23:00:00.000Z')
    expect(resolveTimePoint({at: new Date('2026-11-25T07:00:00Z')}, now).toISOString()).toBe('2026-11-25T07:00:00.000Z')
  })

  it('refuses anything else with exit 2 and the accepted forms', () => {
    for (const bad of ['', 'yesterday', '45', '2026', '2026-02-30T00:00:00Z', '2026-11-25T25:00:00Z', '2026-11-25T07:61Z', '2026-11-25Z', '15m from now', 'ago', '1h ago ago']) {
      let error: unknown
      try {
        parseTimePoint('--to-time', bad)
      } catch (caught) {
        error = caught
      }
      expect(error, bad).toBeInstanceOf(CommandError)
      expect((error as CommandError).exitCode).toBe(ExitCode.usage)
      expect((error as CommandError).message).toMatch(/^--to-time: ".*" is not a time; use ISO 8601 .*UTC.*15m ago.*now\.$/)
    }
  })
})

describe('window messages', () => {
  it('names the restorable window of the source', () => {
    const cluster = {DBClusterIdentifier: 'orders', EarliestRestorableTime: new Date('2026-11-24T07:00:00.5Z'), LatestRestorableTime: new Date('2026-11-25T06:55:00Z')}
    expect(restorableWindow(cluster)).toBe('Restorable window for orders: 2026-11-24T07:00:00Z to 2026-11-25T06:55:00Z.')
  })

  it('names the backtrack window up to the backend now, or says there is none', () => {
    const now = new Date('2026-11-25T07:00:00Z')
    expect(backtrackWindow({DBClusterIdentifier: 'orders', EarliestBacktrackTime: new Date('2026-11-24T07:00:00Z')}, now)).toBe(
      'Backtrack window for orders: 2026-11-24T07:00:00Z to 2026-11-25T07:00:00Z (now).',
    )
    expect(backtrackWindow({DBClusterIdentifier: 'orders'}, now)).toBe('Backtrack window for orders: none (backtracking is not enabled on it).')
  })
})
