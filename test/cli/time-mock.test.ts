import {
  BacktrackDBClusterCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClusterBacktracksCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  InvalidRestoreFault,
  RDSClient,
  RDSServiceException,
  RestoreDBClusterToPointInTimeCommand,
} from '@aws-sdk/client-rds'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import ClusterBacktrack from '../../src/commands/cluster/backtrack.js'
import ClusterRestore from '../../src/commands/cluster/restore.js'
import {toCommandError} from '../../src/lib/cli/errors.js'
import {ExitCode} from '../../src/lib/cli/exit-codes.js'
import {backtrackCluster, listBacktracks} from '../../src/lib/rds/backtrack.js'
import type {Rds} from '../../src/lib/rds/client.js'
import {restoreToPointInTime} from '../../src/lib/rds/restore.js'
import {runInProcess} from '../helpers/in-process.js'

const rdsMock = mockClient(RDSClient)
const now = new Date('2026-11-25T07:00:00Z')
const rds: Rds = {client: new RDSClient({region: 'us-east-1'}), backend: 'aws', region: 'us-east-1', pollMs: 1, clock: async () => now}

const source = {
  DBClusterIdentifier: 'orders',
  Status: 'available',
  Engine: 'aurora-mysql',
  AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  DBClusterMembers: [{DBInstanceIdentifier: 'orders-instance-1', IsClusterWriter: true}],
  EarliestRestorableTime: new Date('2026-11-24T07:00:00Z'),
  LatestRestorableTime: new Date('2026-11-25T06:55:00Z'),
  EarliestBacktrackTime: new Date('2026-11-25T04:00:00Z'),
}
const restored = (id: string, members: string[] = []) => ({
  ...source,
  DBClusterIdentifier: id,
  DBClusterMembers: members.map((m, n) => ({DBInstanceIdentifier: m, IsClusterWriter: n === 0})),
})
const fault = (name: string, message: string, status = 400) =>
  new RDSServiceException({name, message, $fault: 'client', $metadata: {httpStatusCode: status}})

/** Answers DescribeDBClusters and DescribeDBInstances for the source and one restored cluster with its instances. */
function describeClusters(target: string, members: string[], instanceClass = 'db.r6g.xlarge'): void {
  rdsMock.on(DescribeDBClustersCommand, {DBClusterIdentifier: 'orders'}).resolves({DBClusters: [source]})
  rdsMock.on(DescribeDBClustersCommand, {DBClusterIdentifier: target}).resolves({DBClusters: [restored(target, members)]})
  rdsMock.on(DescribeDBInstancesCommand, {DBInstanceIdentifier: 'orders-instance-1'}).resolves({DBInstances: [{DBInstanceIdentifier: 'orders-instance-1', DBInstanceClass: instanceClass}]})
  rdsMock
    .on(DescribeDBInstancesCommand, {Filters: [{Name: 'db-cluster-id', Values: [target]}]})
    .resolves({DBInstances: members.map((m) => ({DBInstanceIdentifier: m, DBInstanceStatus: 'available'}))})
}

afterEach(() => rdsMock.reset())

describe('point-in-time restore and clone (request shapes)', () => {
  it('clones copy-on-write at the latest restorable time, with instances like the source writer over the AZs', async () => {
    describeClusters('orders-clone', ['orders-clone-instance-1', 'orders-clone-instance-2'])
    rdsMock.on(RestoreDBClusterToPointInTimeCommand).resolves({DBCluster: restored('orders-clone')})
    rdsMock.on(CreateDBInstanceCommand).resolves({})
    const cluster = await restoreToPointInTime(rds, {sourceId: 'orders', id: 'orders-clone', to: 'latest', restoreType: 'copy-on-write', instances: 2}, {timeoutMs: 5000})
    expect(cluster.DBClusterIdentifier).toBe('orders-clone')
    const input = rdsMock.commandCalls(RestoreDBClusterToPointInTimeCommand)[0].args[0].input
    expect(input).toMatchObject({DBClusterIdentifier: 'orders-clone', SourceDBClusterIdentifier: 'orders', RestoreType: 'copy-on-write', UseLatestRestorableTime: true})
    expect(input.RestoreToTime).toBeUndefined()
    const created = rdsMock.commandCalls(CreateDBInstanceCommand).map((c) => c.args[0].input)
    expect(created).toEqual([
      {DBInstanceIdentifier: 'orders-clone-instance-1', DBClusterIdentifier: 'orders-clone', Engine: 'aurora-mysql', DBInstanceClass: 'db.r6g.xlarge', AvailabilityZone: 'us-east-1a'},
      {DBInstanceIdentifier: 'orders-clone-instance-2', DBClusterIdentifier: 'orders-clone', Engine: 'aurora-mysql', DBInstanceClass: 'db.r6g.xlarge', AvailabilityZone: 'us-east-1b'},
    ])
  })

  it('restores full-copy to a time, and carries a Serverless v2 source\'s range to db.serverless instances', async () => {
    describeClusters('orders-0700', ['orders-0700-instance-1'], 'db.serverless')
    const scaling = {MinCapacity: 0.5, MaxCapacity: 8}
    rdsMock.on(DescribeDBClustersCommand, {DBClusterIdentifier: 'orders'}).resolves({DBClusters: [{...source, ServerlessV2ScalingConfiguration: scaling}]})
    rdsMock.on(RestoreDBClusterToPointInTimeCommand).resolves({DBCluster: restored('orders-0700')})
    rdsMock.on(CreateDBInstanceCommand).resolves({})
    const to = new Date('2026-11-25T06:00:00Z')
    await restoreToPointInTime(rds, {sourceId: 'orders', id: 'orders-0700', to, restoreType: 'full-copy', instances: 1, backtrackWindowSeconds: 86_400}, {timeoutMs: 5000})
    const input = rdsMock.commandCalls(RestoreDBClusterToPointInTimeCommand)[0].args[0].input
    expect(input).toMatchObject({RestoreType: 'full-copy', RestoreToTime: to, BacktrackWindow: 86_400, ServerlessV2ScalingConfiguration: scaling})
    expect(input.UseLatestRestorableTime).toBeUndefined()
    expect(rdsMock.commandCalls(CreateDBInstanceCommand)[0].args[0].input.DBInstanceClass).toBe('db.serverless')
  })

  it('adds the source\'s restorable window to a refused restore time (InvalidRestoreFault → exit 2)', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({DBClusters: [source]})
    rdsMock.on(DescribeDBInstancesCommand).resolves({DBInstances: [{DBInstanceIdentifier: 'orders-instance-1', DBInstanceClass: 'db.r6g.large'}]})
    rdsMock.on(RestoreDBClusterToPointInTimeCommand).rejects(new InvalidRestoreFault({message: 'The requested restore time is outside the restorable window.', $metadata: {httpStatusCode: 400}}))
    const error = await restoreToPointInTime(rds, {sourceId: 'orders', id: 'late', to: new Date('2026-11-20T00:00:00Z'), restoreType: 'full-copy', instances: 1}, undefined).catch((e: unknown) => e)
    const reported = toCommandError(error)
    expect(reported.code).toBe('InvalidRestoreFault')
    expect(reported.exitCode).toBe(ExitCode.usage)
    expect(reported.message).toBe('The requested restore time is outside the restorable window. Restorable window for orders: 2026-11-24T07:00:00Z to 2026-11-25T06:55:00Z.')
    expect(rdsMock.commandCalls(CreateDBInstanceCommand)).toHaveLength(0)
  })

  it('also for InvalidParameterValue about the restore time, but not for other parameter faults', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({DBClusters: [source]})
    rdsMock.on(DescribeDBInstancesCommand).resolves({DBInstances: [{DBInstanceIdentifier: 'orders-instance-1', DBInstanceClass: 'db.r6g.large'}]})
    const spec = {sourceId: 'orders', id: 'late', to: new Date('2026-11-20T00:00:00Z'), restoreType: 'full-copy' as const, instances: 0}
    rdsMock
      .on(RestoreDBClusterToPointInTimeCommand)
      .rejectsOnce(fault('InvalidParameterValue', 'Restore time must be within the restorable window'))
      .rejectsOnce(fault('InvalidParameterValue', 'Invalid DB cluster identifier'))
    expect(((await restoreToPointInTime(rds, spec, undefined).catch((e: unknown) => e)) as Error).message).toMatch(/window\. Restorable window for orders: /)
    expect(((await restoreToPointInTime(rds, spec, undefined).catch((e: unknown) => e)) as Error).message).toBe('Invalid DB cluster identifier')
  })

  it('deletes the restored cluster and its instances when an instance is refused', async () => {
    describeClusters('half', [])
    rdsMock.on(RestoreDBClusterToPointInTimeCommand).resolves({DBCluster: restored('half')})
    rdsMock.on(CreateDBInstanceCommand).resolvesOnce({}).rejects(fault('InstanceQuotaExceeded', 'quota'))
    rdsMock.on(DeleteDBInstanceCommand).resolves({})
    rdsMock.on(DeleteDBClusterCommand).resolves({})
    const error = await restoreToPointInTime(rds, {sourceId: 'orders', id: 'half', to: 'latest', restoreType: 'full-copy', instances: 2}, undefined).catch((e: unknown) => e)
    expect((error as Error).name).toBe('InstanceQuotaExceeded')
    expect(rdsMock.commandCalls(DeleteDBInstanceCommand).map((c) => c.args[0].input.DBInstanceIdentifier)).toEqual(['half-instance-1', 'half-instance-2'])
    expect(rdsMock.commandCalls(DeleteDBClusterCommand)[0].args[0].input).toMatchObject({DBClusterIdentifier: 'half', SkipFinalSnapshot: true})
  })
})

describe('backtrack', () => {
  const backtrack = (status: string) => ({DBClusterIdentifier: 'orders', BacktrackIdentifier: 'bt-1', BacktrackTo: new Date('2026-11-25T06:45:00Z'), Status: status})

  it('sends BacktrackTo as a time with Force and UseEarliestTimeOnPointInTimeUnavailable, then waits for completed and an available cluster', async () => {
    rdsMock.on(BacktrackDBClusterCommand).resolves(backtrack('pending'))
    rdsMock
      .on(DescribeDBClusterBacktracksCommand)
      .resolvesOnce({DBClusterBacktracks: [backtrack('pending')]})
      .resolvesOnce({DBClusterBacktracks: [backtrack('applying')]})
      .resolves({DBClusterBacktracks: [backtrack('completed')]})
    rdsMock.on(DescribeDBClustersCommand).resolvesOnce({DBClusters: [{...source, Status: 'backtracking'}]}).resolves({DBClusters: [source]})
    const states: string[] = []
    const to = new Date('2026-11-25T06:45:00Z')
    const result = await backtrackCluster(rds, 'orders', {to, force: true, earliestIfUnavailable: false}, {timeoutMs: 5000, onProgress: (s) => states.push(s)})
    expect(rdsMock.commandCalls(BacktrackDBClusterCommand)[0].args[0].input).toEqual({
      DBClusterIdentifier: 'orders',
      BacktrackTo: to,
      Force: true,
      UseEarliestTimeOnPointInTimeUnavailable: false,
    })
    expect(result).toMatchObject({BacktrackIdentifier: 'bt-1', Status: 'completed'})
    expect(rdsMock.commandCalls(DescribeDBClusterBacktracksCommand)[0].args[0].input).toMatchObject({DBClusterIdentifier: 'orders', BacktrackIdentifier: 'bt-1'})
    expect(states).toEqual(['backtrack pending', 'backtrack applying', 'backtrack completed; cluster backtracking', 'backtrack completed; cluster available'])
  })

  it('returns the started backtrack at once with --no-wait', async () => {
    rdsMock.on(BacktrackDBClusterCommand).resolves(backtrack('pending'))
    const result = await backtrackCluster(rds, 'orders', {to: now, force: false, earliestIfUnavailable: true}, undefined)
    expect(result).toEqual(backtrack('pending'))
    expect(rdsMock.commandCalls(DescribeDBClusterBacktracksCommand)).toHaveLength(0)
  })

  it('adds the backtrack window, up to the backend clock, to a refused time', async () => {
    rdsMock.on(BacktrackDBClusterCommand).rejects(fault('InvalidParameterValue', 'Backtrack time is earlier than the earliest backtrack time'))
    rdsMock.on(DescribeDBClustersCommand).resolves({DBClusters: [source]})
    const error = await backtrackCluster(rds, 'orders', {to: new Date('2026-11-20T00:00:00Z'), force: false, earliestIfUnavailable: false}, undefined).catch((e: unknown) => e)
    expect((error as Error).message).toBe(
      'Backtrack time is earlier than the earliest backtrack time. Backtrack window for orders: 2026-11-25T04:00:00Z to 2026-11-25T07:00:00Z (now).',
    )
  })

  it('lists every page of backtracks', async () => {
    rdsMock
      .on(DescribeDBClusterBacktracksCommand)
      .resolvesOnce({DBClusterBacktracks: [backtrack('completed')], Marker: 'next'})
      .resolves({DBClusterBacktracks: [{...backtrack('failed'), BacktrackIdentifier: 'bt-2'}]})
    const list = await listBacktracks(rds, 'orders')
    expect(list.map((b) => b.BacktrackIdentifier)).toEqual(['bt-1', 'bt-2'])
    expect(rdsMock.commandCalls(DescribeDBClusterBacktracksCommand)[1].args[0].input).toMatchObject({DBClusterIdentifier: 'orders', Marker: 'next'})
  })
})


describe('commands in process against a mocked SDK', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing')
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing')
    vi.stubEnv('NO_COLOR', '1')
  })
  afterEach(() => vi.unstubAllEnvs())

  it('cluster backtrack: a failed backtrack exits 1 and says so', async () => {
    rdsMock.on(BacktrackDBClusterCommand).resolves({DBClusterIdentifier: 'orders', BacktrackIdentifier: 'bt-9', Status: 'pending'})
    rdsMock.on(DescribeDBClusterBacktracksCommand).resolvesOnce({DBClusterBacktracks: [{BacktrackIdentifier: 'bt-9', Status: 'applying'}]}).resolves({DBClusterBacktracks: [{BacktrackIdentifier: 'bt-9', Status: 'failed'}]})
    const result = await runCommand(ClusterBacktrack, ['orders', '--to', '2026-11-25T06:45:00Z', '--yes'])
    expect(result.exitCode).toBe(ExitCode.error)
    expect(result.stderr).toMatch(/Backtrack bt-9 of orders failed/)
    expect(result.stdout).toBe('')
  })

  it('cluster backtrack --by counts back from the backend clock; --json prints the DBClusterBacktrack', async () => {
    rdsMock.on(BacktrackDBClusterCommand).resolves({DBClusterIdentifier: 'orders', BacktrackIdentifier: 'bt-3', Status: 'pending'})
    const before = Date.now()
    const result = await runCommand(ClusterBacktrack, ['orders', '--by', '15m', '--yes', '--no-wait', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const sent = rdsMock.commandCalls(BacktrackDBClusterCommand)[0].args[0].input.BacktrackTo as Date
    expect(sent).toBeInstanceOf(Date)
    expect(before - 900_000 - sent.getTime()).toBeLessThanOrEqual(0)
    expect(Date.now() - 900_000 - sent.getTime()).toBeGreaterThanOrEqual(0)
    expect(JSON.parse(result.stdout)).toEqual({DBClusterIdentifier: 'orders', BacktrackIdentifier: 'bt-3', Status: 'pending'})
  })

  it('cluster restore: a refused time exits 2 with the restorable window on one line', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({DBClusters: [source]})
    rdsMock.on(DescribeDBInstancesCommand).resolves({DBInstances: [{DBInstanceIdentifier: 'orders-instance-1', DBInstanceClass: 'db.r6g.large'}]})
    rdsMock.on(RestoreDBClusterToPointInTimeCommand).rejects(new InvalidRestoreFault({message: 'Restore time is outside the window.', $metadata: {httpStatusCode: 400}}))
    const result = await runCommand(ClusterRestore, ['orders', 'orders-old', '--to-time', '2026-11-01T00:00:00Z'])
    expect(result.exitCode).toBe(ExitCode.usage)
    expect(result.stderr).toContain('Error: InvalidRestoreFault: Restore time is outside the window. Restorable window for orders: 2026-11-24T07:00:00Z to 2026-11-25T06:55:00Z.\n')
  })
})

const runCommand = (cmd: Parameters<typeof runInProcess>[0], argv: string[]) => runInProcess(cmd, [...argv, '--region', 'us-east-1'])
