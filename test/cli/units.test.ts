import {describe, expect, it} from 'vitest'

import {formatDuration, parseDuration} from '../../src/lib/cli/duration.js'
import {CommandError, toCommandError} from '../../src/lib/cli/errors.js'
import {ExitCode, exitCodeForAwsCode} from '../../src/lib/cli/exit-codes.js'
import {colourEnabled} from '../../src/lib/cli/terminal.js'
import {nextInstanceIds, placeInstances, readersToRemove} from '../../src/lib/rds/placement.js'

describe('durations', () => {
  it('parses the forms operators type', () => {
    expect(parseDuration('90s')).toBe(90_000)
    expect(parseDuration('15m')).toBe(900_000)
    expect(parseDuration('1h30m')).toBe(5_400_000)
    expect(parseDuration('3d')).toBe(259_200_000)
    expect(parseDuration('45')).toBe(45_000)
    expect(parseDuration('250ms')).toBe(250)
  })
  it('rejects what is not a duration', () => {
    for (const bad of ['', 'abc', '5 parsecs', '10x', 'm5', '1h and 5m']) expect(() => parseDuration(bad), bad).toThrow(/not a duration/)
  })
  it('formats for people', () => {
    expect(formatDuration(450)).toBe('450ms')
    expect(formatDuration(61_000)).toBe('1m1s')
    expect(formatDuration(7_200_000)).toBe('2h')
  })
})

describe('exit codes from AWS error codes', () => {
  it.each([
    ['InvalidParameterValue', ExitCode.usage],
    ['InvalidParameterCombination', ExitCode.usage],
    ['MissingParameter', ExitCode.usage],
    ['DBClusterNotFoundFault', ExitCode.notFound],
    ['DBInstanceNotFound', ExitCode.notFound],
    ['InvalidDBClusterStateFault', ExitCode.conflict],
    ['InvalidDBInstanceState', ExitCode.conflict],
    ['DBClusterAlreadyExistsFault', ExitCode.conflict],
    ['DBInstanceAlreadyExists', ExitCode.conflict],
    ['DBClusterQuotaExceededFault', ExitCode.conflict],
    ['InstanceQuotaExceeded', ExitCode.conflict],
    ['DBClusterSnapshotNotFoundFault', ExitCode.notFound],
    ['DBClusterBacktrackNotFoundFault', ExitCode.notFound],
    ['DBClusterSnapshotAlreadyExistsFault', ExitCode.conflict],
    ['InvalidDBClusterSnapshotStateFault', ExitCode.conflict],
    ['SnapshotQuotaExceeded', ExitCode.conflict],
    ['GlobalClusterNotFoundFault', ExitCode.notFound],
    ['InvalidGlobalClusterStateFault', ExitCode.conflict],
    ['GlobalClusterAlreadyExistsFault', ExitCode.conflict],
    ['InvalidRestoreFault', ExitCode.usage],
    ['InternalFailure', ExitCode.error],
  ])('%s → %i', (code, exit) => {
    expect(exitCodeForAwsCode(code)).toBe(exit)
  })

  it('keeps the AWS code of an SDK service exception', () => {
    const sdkError = Object.assign(new Error('DBCluster nope not found.'), {name: 'DBClusterNotFoundFault', $fault: 'client', $metadata: {httpStatusCode: 404}})
    const error = toCommandError(sdkError, {hintFor: () => 'look elsewhere'})
    expect(error).toBeInstanceOf(CommandError)
    expect(error.code).toBe('DBClusterNotFoundFault')
    expect(error.exitCode).toBe(ExitCode.notFound)
    expect(error.hint).toBe('look elsewhere')
  })

  it('turns oclif usage errors into exit 2 and a refused connection into a hint', () => {
    expect(toCommandError(Object.assign(new Error('Missing 1 required arg'), {oclif: {exit: 2}})).exitCode).toBe(ExitCode.usage)
    const refused = toCommandError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {code: 'ECONNREFUSED'}))
    expect(refused.exitCode).toBe(ExitCode.error)
    expect(refused.hint).toMatch(/endpoint/)
  })
})

describe('colour', () => {
  const tty = {isTTY: true} as NodeJS.WriteStream
  const pipe = {isTTY: false} as NodeJS.WriteStream
  it('is on for a TTY only, and off with NO_COLOR or TERM=dumb', () => {
    expect(colourEnabled(tty, {})).toBe(true)
    expect(colourEnabled(pipe, {})).toBe(false)
    expect(colourEnabled(tty, {NO_COLOR: '1'})).toBe(false)
    expect(colourEnabled(tty, {TERM: 'dumb'})).toBe(false)
    expect(colourEnabled(tty, {NO_COLOR: ''})).toBe(true)
  })
})

describe('placement', () => {
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c']
  it('spreads new instances over the least-populated AZs', () => {
    expect(placeInstances(zones, [], 4)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1a'])
    expect(placeInstances(zones, ['us-east-1a', 'us-east-1a', 'us-east-1b'], 2)).toEqual(['us-east-1c', 'us-east-1b'])
  })
  it('names instances after the cluster, skipping numbers in use', () => {
    expect(nextInstanceIds('demo', ['demo-instance-1', 'demo-instance-3'], 2)).toEqual(['demo-instance-2', 'demo-instance-4'])
  })
  it('removes the least preferred failover targets first, then from crowded AZs', () => {
    const readers = [
      {DBInstanceIdentifier: 'r1', PromotionTier: 0, AvailabilityZone: 'a'},
      {DBInstanceIdentifier: 'r2', PromotionTier: 15, AvailabilityZone: 'b'},
      {DBInstanceIdentifier: 'r3', PromotionTier: 1, AvailabilityZone: 'a'},
      {DBInstanceIdentifier: 'r4', PromotionTier: 1, AvailabilityZone: 'c'},
    ]
    expect(readersToRemove(readers, 2)).toEqual(['r2', 'r3'])
  })
})
