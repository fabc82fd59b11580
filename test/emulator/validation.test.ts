import {describe, expect, it} from 'vitest'
import {RdsFault} from '../../src/lib/emulator/control/faults.js'
import {
  validateBackupRetentionPeriod, validateBacktrackWindow, validateBackupWindow, validateIdentifier,
  validateMaintenanceWindow, validateMasterPassword, validateMasterUsername, validatePromotionTier, validateServerlessV2,
} from '../../src/lib/emulator/control/validation.js'

function faultOf(fn: () => unknown): RdsFault {
  try {
    fn()
  } catch (error) {
    if (error instanceof RdsFault) return error
    throw error
  }
  throw new Error('expected a fault')
}

describe('identifier rules', () => {
  it('accepts valid identifiers and lowercases them', () => {
    expect(validateIdentifier('DBClusterIdentifier', 'Demo-1')).toBe('demo-1')
    expect(validateIdentifier('DBClusterIdentifier', 'a')).toBe('a')
    expect(validateIdentifier('DBClusterIdentifier', 'a'.repeat(63))).toBe('a'.repeat(63))
  })

  it.each(['1abc', '-abc', 'abc-', 'ab--c', 'ab_c', 'ab c', 'a'.repeat(64), 'é', 'abc.def'])('rejects %j', (id) => {
    const fault = faultOf(() => validateIdentifier('DBClusterIdentifier', id))
    expect(fault.code).toBe('InvalidParameterValue')
    expect(fault.httpStatus).toBe(400)
    expect(fault.message).toContain('The parameter DBClusterIdentifier is not a valid identifier.')
  })

  it('rejects an empty identifier as blank', () => {
    expect(faultOf(() => validateIdentifier('DBInstanceIdentifier', '')).message).toContain('must be provided and must not be blank')
  })
})

describe('range rules', () => {
  it('backup retention is 1–35 days', () => {
    for (const ok of [1, 7, 35]) expect(() => validateBackupRetentionPeriod(ok)).not.toThrow()
    for (const bad of [0, 36, -1, 1.5]) expect(faultOf(() => validateBackupRetentionPeriod(bad)).code).toBe('InvalidParameterValue')
  })

  it('backtrack window is 0–259200 s and aurora-mysql only', () => {
    for (const ok of [0, 3600, 259200]) expect(() => validateBacktrackWindow('aurora-mysql', ok)).not.toThrow()
    expect(faultOf(() => validateBacktrackWindow('aurora-mysql', 259201)).code).toBe('InvalidParameterValue')
    expect(faultOf(() => validateBacktrackWindow('aurora-mysql', -1)).code).toBe('InvalidParameterValue')
    expect(faultOf(() => validateBacktrackWindow('aurora-postgresql', 3600)).code).toBe('InvalidParameterValue')
  })

  it('promotion tier is 0–15', () => {
    for (const ok of [0, 1, 15]) expect(() => validatePromotionTier(ok)).not.toThrow()
    for (const bad of [-1, 16, 2.5]) expect(faultOf(() => validatePromotionTier(bad)).code).toBe('InvalidParameterValue')
  })

  it('serverless v2 capacity: min 0 or 0.5–256, max 1–256, half steps, min ≤ max, auto-pause 300–86400', () => {
    expect(validateServerlessV2({MinCapacity: 0.5, MaxCapacity: 16})).toEqual({MinCapacity: 0.5, MaxCapacity: 16})
    expect(validateServerlessV2({MinCapacity: 0, MaxCapacity: 1})).toEqual({MinCapacity: 0, MaxCapacity: 1, SecondsUntilAutoPause: 300})
    expect(validateServerlessV2({MinCapacity: 0, MaxCapacity: 256, SecondsUntilAutoPause: 86400}).SecondsUntilAutoPause).toBe(86400)
    const bad = [
      {MinCapacity: 0.25, MaxCapacity: 4}, {MinCapacity: 1.3, MaxCapacity: 4}, {MinCapacity: 257, MaxCapacity: 256},
      {MinCapacity: 0.5, MaxCapacity: 0.5}, {MinCapacity: 0.5, MaxCapacity: 256.5}, {MinCapacity: 8, MaxCapacity: 4},
      {MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 299}, {MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 86401},
    ]
    for (const config of bad) expect(faultOf(() => validateServerlessV2(config)).code).toBe('InvalidParameterValue')
    expect(faultOf(() => validateServerlessV2({MaxCapacity: 4})).code).toBe('InvalidParameterCombination')
    expect(faultOf(() => validateServerlessV2({MinCapacity: 1, MaxCapacity: 4, SecondsUntilAutoPause: 600})).code)
      .toBe('InvalidParameterCombination')
  })

  it('master user names follow the engine rules', () => {
    expect(() => validateMasterUsername('aurora-postgresql', 'admin_1')).not.toThrow()
    expect(() => validateMasterUsername('aurora-postgresql', 'a'.repeat(63))).not.toThrow()
    expect(faultOf(() => validateMasterUsername('aurora-mysql', 'a'.repeat(17))).code).toBe('InvalidParameterValue')
    expect(faultOf(() => validateMasterUsername('aurora-postgresql', '1admin')).code).toBe('InvalidParameterValue')
    expect(faultOf(() => validateMasterUsername('aurora-postgresql', 'ad-min')).code).toBe('InvalidParameterValue')
    expect(faultOf(() => validateMasterUsername('aurora-postgresql', 'rdsadmin')).code).toBe('InvalidParameterValue')
  })

  it('master passwords: 8+ printable ASCII without / " @ or space, engine maximum', () => {
    expect(() => validateMasterPassword('aurora-postgresql', 'abcdefgh')).not.toThrow()
    expect(() => validateMasterPassword('aurora-mysql', 'x'.repeat(41))).not.toThrow()
    for (const bad of ['short', 'has space1', 'has/slash', 'has"quote', 'has@at12', 'x'.repeat(42), 'unicodé12']) {
      expect(faultOf(() => validateMasterPassword('aurora-mysql', bad)).code).toBe('InvalidParameterValue')
    }
  })

  it('windows are well-formed and at least 30 minutes', () => {
    expect(() => validateBackupWindow('03:00-03:30')).not.toThrow()
    expect(() => validateMaintenanceWindow('Sun:23:45-Mon:00:15')).not.toThrow()
    expect(faultOf(() => validateBackupWindow('03:00-03:10')).code).toBe('InvalidParameterValue')
    expect(faultOf(() => validateBackupWindow('3am')).code).toBe('InvalidParameterValue')
    expect(faultOf(() => validateMaintenanceWindow('xyz:01:00-mon:02:00')).code).toBe('InvalidParameterValue')
  })
})
