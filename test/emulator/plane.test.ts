import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ManualClock} from '../../src/lib/emulator/clock.js'
import {CLUSTER_TRANSITIONS, moveCluster, type Instance} from '../../src/lib/emulator/control/model.js'
import {bestFailoverTarget} from '../../src/lib/emulator/control/failover.js'
import {ControlPlane} from '../../src/lib/emulator/control/plane.js'
import {Store} from '../../src/lib/emulator/control/store.js'
import {timingProfile} from '../../src/lib/emulator/control/timing.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import {StorageRegistry} from '../../src/lib/emulator/storage/registry.js'
import {DEFAULT_REPAIR} from '../../src/lib/emulator/storage/volume.js'
import {StorageVolumes} from '../../src/lib/emulator/storage-volumes.js'
import {GlobalReplication} from '../../src/lib/emulator/global-replication.js'
import {fault, makePlane, PG_CLUSTER} from './helpers.js'

const R = 'us-east-1'

/** A cluster with `n` available instances (instant profile). */
function readyCluster(plane: ControlPlane, id = 'c1', n = 2) {
  plane.createDBCluster(R, {DBClusterIdentifier: id, ...PG_CLUSTER})
  for (let i = 1; i <= n; i++) {
    plane.createDBInstance(R, {DBInstanceIdentifier: `${id}-${i}`, DBClusterIdentifier: id, Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'})
  }
}

const clusterOf = (plane: ControlPlane, id: string) => plane.describeDBClusters(R, {DBClusterIdentifier: id}).items[0]
const instanceOf = (plane: ControlPlane, id: string) => plane.describeDBInstances(R, {DBInstanceIdentifier: id}).items[0].instance
// Automated backups (snapshot events) have their own tests (time-travel.test.ts).
const eventIds = (plane: ControlPlane) =>
  plane.describeEvents(R, {}).items.filter((e) => e.sourceType !== 'db-cluster-snapshot').map((e) => `${e.eventId} ${e.sourceId}`)

describe('timing profiles', () => {
  it('instant completes every transition inside the request', () => {
    const {plane} = makePlane('instant')
    const created = plane.createDBCluster(R, {DBClusterIdentifier: 'c1', ...PG_CLUSTER})
    expect(created.cluster.status).toBe('available')
    const instance = plane.createDBInstance(R, {DBInstanceIdentifier: 'i1', DBClusterIdentifier: 'c1', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'})
    expect(instance.instance.status).toBe('available')
    expect(instance.instance.isWriter).toBe(true)
  })

  it('fast shows intermediate states until the clock passes each transition', () => {
    const {plane, clock} = makePlane('fast')
    const fast = timingProfile('fast')
    expect(plane.createDBCluster(R, {DBClusterIdentifier: 'c1', ...PG_CLUSTER}).cluster.status).toBe('creating')
    plane.createDBInstance(R, {DBInstanceIdentifier: 'i1', DBClusterIdentifier: 'c1', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'})
    clock.advance(fast.clusterCreate - 1)
    expect(clusterOf(plane, 'c1').cluster.status).toBe('creating')
    clock.advance(1)
    expect(clusterOf(plane, 'c1').cluster.status).toBe('available')
    expect(instanceOf(plane, 'i1').status).toBe('creating')
    clock.advance(fast.instanceCreate)
    expect(instanceOf(plane, 'i1').status).toBe('available')
    expect(fast.clusterCreate + fast.instanceCreate).toBeLessThanOrEqual(1200)
  })

  it('realistic uses AWS-like durations', () => {
    const realistic = timingProfile('realistic')
    expect(realistic.failoverPromote + realistic.failoverComplete).toBe(30_000)
    expect(realistic.instanceCreate).toBeGreaterThanOrEqual(5 * 60_000)
  })
})

describe('cluster state machine', () => {
  it('declares its transitions and refuses undeclared ones', () => {
    expect(CLUSTER_TRANSITIONS.creating).toEqual(['available'])
    expect(CLUSTER_TRANSITIONS.stopped).toContain('starting')
    const cluster = {status: 'stopped', id: 'x'} as Parameters<typeof moveCluster>[0]
    expect(() => moveCluster(cluster, 'failing-over')).toThrow(/illegal cluster transition/)
  })

  it('stop → stopped → start → available, refusing operations in the wrong state', () => {
    const {plane, clock} = makePlane('fast')
    plane.createDBCluster(R, {DBClusterIdentifier: 'c1', ...PG_CLUSTER})
    expect(fault(() => plane.stopDBCluster(R, {DBClusterIdentifier: 'c1'}))).toMatchObject({
      code: 'InvalidDBClusterStateFault', httpStatus: 400,
      message: 'DbCluster c1 is in creating state but expected it to be one of available.',
    })
    clock.advance(1000)
    expect(plane.stopDBCluster(R, {DBClusterIdentifier: 'c1'}).cluster.status).toBe('stopping')
    expect(fault(() => plane.startDBCluster(R, {DBClusterIdentifier: 'c1'})).code).toBe('InvalidDBClusterStateFault')
    clock.advance(1000)
    expect(clusterOf(plane, 'c1').cluster.status).toBe('stopped')
    expect(fault(() => plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', BackupRetentionPeriod: 7})).code).toBe('InvalidDBClusterStateFault')
    expect(plane.startDBCluster(R, {DBClusterIdentifier: 'c1'}).cluster.status).toBe('starting')
    clock.advance(1000)
    expect(clusterOf(plane, 'c1').cluster.status).toBe('available')
    expect(eventIds(plane)).toEqual(['RDS-EVENT-0170 c1', 'RDS-EVENT-0150 c1', 'RDS-EVENT-0151 c1'])
  })

  it('stopping a cluster stops its instances and starting starts them', () => {
    const {plane, clock} = makePlane('fast')
    readyCluster(plane, 'c1', 1)
    clock.advance(2000)
    plane.stopDBCluster(R, {DBClusterIdentifier: 'c1'})
    expect(instanceOf(plane, 'c1-1').status).toBe('stopping')
    clock.advance(1000)
    expect(instanceOf(plane, 'c1-1').status).toBe('stopped')
    expect(fault(() => plane.rebootDBInstance(R, {DBInstanceIdentifier: 'c1-1'})).code).toBe('InvalidDBInstanceState')
    plane.startDBCluster(R, {DBClusterIdentifier: 'c1'})
    clock.advance(1000)
    expect(instanceOf(plane, 'c1-1').status).toBe('available')
  })

  it('delete: protection → InvalidParameterCombination, members → InvalidDBClusterStateFault, final snapshot outlives the cluster', () => {
    const {plane} = makePlane('instant')
    readyCluster(plane, 'c1', 1)
    plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', DeletionProtection: true})
    expect(fault(() => plane.deleteDBCluster(R, {DBClusterIdentifier: 'c1', SkipFinalSnapshot: true}))).toMatchObject({
      code: 'InvalidParameterCombination',
      message: 'Cannot delete protected Cluster, please disable deletion protection and try again.',
    })
    plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', DeletionProtection: false})
    expect(fault(() => plane.deleteDBCluster(R, {DBClusterIdentifier: 'c1', SkipFinalSnapshot: true})).code).toBe('InvalidDBClusterStateFault')
    expect(fault(() => plane.deleteDBCluster(R, {DBClusterIdentifier: 'c1'})).code).toBe('InvalidDBClusterStateFault')
    plane.deleteDBInstance(R, {DBInstanceIdentifier: 'c1-1'})
    expect(fault(() => plane.deleteDBCluster(R, {DBClusterIdentifier: 'c1'})).code).toBe('InvalidParameterCombination')
    const deleted = plane.deleteDBCluster(R, {DBClusterIdentifier: 'c1', FinalDBSnapshotIdentifier: 'final-1'})
    expect(deleted.cluster.status).toBe('deleting')
    expect(fault(() => plane.describeDBClusters(R, {DBClusterIdentifier: 'c1'}))).toMatchObject({code: 'DBClusterNotFoundFault', httpStatus: 404})
    const snapshots = plane.describeDBClusterSnapshots(R, {}).items
    expect(snapshots.map((s) => [s.snapshot.id, s.snapshot.status, s.snapshot.snapshotType, s.snapshot.clusterId]))
      .toEqual([['final-1', 'available', 'manual', 'c1']])
    expect(eventIds(plane)).toContain('RDS-EVENT-0171 c1')
    expect(plane.describeEvents(R, {SourceType: 'db-cluster-snapshot'}).items.map((e) => `${e.eventId} ${e.sourceId}`)).toContain('RDS-EVENT-0075 final-1')
  })

  it('rename with ApplyImmediately re-keys the cluster and its instances', () => {
    const {plane, clock} = makePlane('fast')
    readyCluster(plane, 'old', 1)
    clock.advance(2000)
    const renamed = plane.modifyDBCluster(R, {DBClusterIdentifier: 'old', NewDBClusterIdentifier: 'New', ApplyImmediately: true})
    expect(renamed.cluster).toMatchObject({id: 'new', status: 'renaming'})
    expect(instanceOf(plane, 'old-1').clusterId).toBe('new')
    clock.advance(1000)
    expect(clusterOf(plane, 'new').cluster.status).toBe('available')
    expect(fault(() => plane.describeDBClusters(R, {DBClusterIdentifier: 'old'})).code).toBe('DBClusterNotFoundFault')
    const pending = plane.modifyDBCluster(R, {DBClusterIdentifier: 'new', NewDBClusterIdentifier: 'later'})
    expect(pending.cluster.pending).toEqual({DBClusterIdentifier: 'later'})
  })

  it('password changes are kept but never exposed in views or events', () => {
    const {plane} = makePlane('instant')
    readyCluster(plane, 'c1', 0)
    plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', MasterUserPassword: 'new-secret-99'})
    expect(JSON.stringify(plane.describeEvents(R, {}).items)).not.toContain('new-secret-99')
    expect(eventIds(plane)).toContain('RDS-EVENT-0016 c1')
    expect(fault(() => plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', MasterUserPassword: 'abcdefgh1', ManageMasterUserPassword: true})).code)
      .toBe('InvalidParameterCombination')
    const managed = plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', ManageMasterUserPassword: true})
    expect(managed.cluster.masterUserSecretArn).toMatch(/^arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!cluster-/)
  })

  it('engine upgrades: unknown → fault, major needs AllowMajorVersionUpgrade, without ApplyImmediately it is pending', () => {
    const {plane} = makePlane('instant')
    plane.createDBCluster(R, {DBClusterIdentifier: 'c1', ...PG_CLUSTER, EngineVersion: '14.13'})
    expect(fault(() => plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', EngineVersion: '99.1'})).code).toBe('InvalidParameterCombination')
    expect(fault(() => plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', EngineVersion: '13.16', AllowMajorVersionUpgrade: true})).code)
      .toBe('InvalidParameterCombination')
    expect(fault(() => plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', EngineVersion: '16.4', ApplyImmediately: true})).message)
      .toContain('AllowMajorVersionUpgrade')
    expect(plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', EngineVersion: '15.8', AllowMajorVersionUpgrade: true}).cluster.pending)
      .toEqual({EngineVersion: '15.8'})
    const upgraded = plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', EngineVersion: '16.4', AllowMajorVersionUpgrade: true, ApplyImmediately: true})
    expect(upgraded.cluster).toMatchObject({engineVersion: '16.4', status: 'available', pending: {}})
  })
})

describe('instances', () => {
  it('the first instance to become available is the writer; instances spread over the AZs', () => {
    const {plane, clock} = makePlane('fast')
    plane.createDBCluster(R, {DBClusterIdentifier: 'c1', ...PG_CLUSTER})
    for (const id of ['a', 'b', 'c', 'd']) {
      plane.createDBInstance(R, {DBInstanceIdentifier: id, DBClusterIdentifier: 'c1', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'})
    }
    clock.advance(2000)
    const view = clusterOf(plane, 'c1')
    expect(view.members.filter((i) => i.isWriter).map((i) => i.id)).toEqual(['a'])
    expect(view.members.map((i) => i.availabilityZone)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1a'])
  })

  it('class changes wait for the maintenance window unless ApplyImmediately', () => {
    const {plane, clock} = makePlane('fast')
    readyCluster(plane, 'c1', 1)
    clock.advance(2000)
    const deferred = plane.modifyDBInstance(R, {DBInstanceIdentifier: 'c1-1', DBInstanceClass: 'db.r6g.xlarge'})
    expect(deferred.instance).toMatchObject({status: 'available', instanceClass: 'db.r6g.large', pendingInstanceClass: 'db.r6g.xlarge'})
    const now = plane.modifyDBInstance(R, {DBInstanceIdentifier: 'c1-1', DBInstanceClass: 'db.r6g.2xlarge', ApplyImmediately: true, PromotionTier: 0})
    expect(now.instance).toMatchObject({status: 'modifying', promotionTier: 0})
    clock.advance(1000)
    expect(instanceOf(plane, 'c1-1')).toMatchObject({status: 'available', instanceClass: 'db.r6g.2xlarge'})
    expect(eventIds(plane)).toEqual(expect.arrayContaining(['RDS-EVENT-0012 c1-1', 'RDS-EVENT-0014 c1-1']))
  })

  it('rejects unknown classes, db.serverless without scaling config, bad tiers, duplicates and the 17th instance', () => {
    const {plane} = makePlane('instant')
    readyCluster(plane, 'c1', 1)
    const base = {DBClusterIdentifier: 'c1', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'}
    expect(fault(() => plane.createDBInstance(R, {...base, DBInstanceIdentifier: 'x', DBInstanceClass: 'db.m1.tiny'})).code).toBe('InvalidParameterCombination')
    expect(fault(() => plane.createDBInstance(R, {...base, DBInstanceIdentifier: 'x', DBInstanceClass: 'db.serverless'})).code).toBe('InvalidDBClusterStateFault')
    expect(fault(() => plane.createDBInstance(R, {...base, DBInstanceIdentifier: 'x', PromotionTier: 16})).code).toBe('InvalidParameterValue')
    expect(fault(() => plane.createDBInstance(R, {...base, DBInstanceIdentifier: 'c1-1'})).code).toBe('DBInstanceAlreadyExists')
    expect(fault(() => plane.createDBInstance(R, {...base, DBInstanceIdentifier: 'x', Engine: 'aurora-mysql'})).code).toBe('InvalidParameterCombination')
    expect(fault(() => plane.createDBInstance(R, {...base, DBInstanceIdentifier: 'x', DBClusterIdentifier: 'nope'}))).toMatchObject({code: 'DBClusterNotFoundFault', httpStatus: 404})
    for (let i = 2; i <= 16; i++) plane.createDBInstance(R, {...base, DBInstanceIdentifier: `c1-${i}`})
    expect(fault(() => plane.createDBInstance(R, {...base, DBInstanceIdentifier: 'c1-17'})).code).toBe('InstanceQuotaExceeded')
    plane.modifyDBCluster(R, {DBClusterIdentifier: 'c1', ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 8}})
    expect(plane.modifyDBInstance(R, {DBInstanceIdentifier: 'c1-2', DBInstanceClass: 'db.serverless', ApplyImmediately: true}).instance.instanceClass)
      .toBe('db.serverless')
  })

  it('reboot goes through rebooting and emits RDS-EVENT-0006', () => {
    const {plane, clock} = makePlane('fast')
    readyCluster(plane, 'c1', 1)
    clock.advance(2000)
    expect(plane.rebootDBInstance(R, {DBInstanceIdentifier: 'c1-1'}).instance.status).toBe('rebooting')
    expect(fault(() => plane.rebootDBInstance(R, {DBInstanceIdentifier: 'c1-1'})).code).toBe('InvalidDBInstanceState')
    clock.advance(1000)
    expect(instanceOf(plane, 'c1-1').status).toBe('available')
    expect(eventIds(plane)).toContain('RDS-EVENT-0006 c1-1')
    expect(fault(() => plane.rebootDBInstance(R, {DBInstanceIdentifier: 'nope'}))).toMatchObject({code: 'DBInstanceNotFound', httpStatus: 404})
  })
})

describe('failover', () => {
  const instance = (id: string, tier: number, cls: string, extra: Partial<Instance> = {}): Instance => ({
    id, resourceId: id, clusterId: 'c', status: 'available', instanceClass: cls, availabilityZone: 'us-east-1a',
    promotionTier: tier, isWriter: false, createdAt: 0, tags: [], ...extra,
  })

  it('chooses the lowest tier, then the largest class, skipping the writer and unavailable replicas', () => {
    const candidates = [
      instance('writer', 0, 'db.r6g.16xlarge', {isWriter: true}),
      instance('t1-big', 1, 'db.r6g.8xlarge'),
      instance('t0-small', 0, 'db.r6g.large'),
      instance('t0-large', 0, 'db.r6g.4xlarge'),
      instance('t0-down', 0, 'db.r6g.24xlarge', {status: 'rebooting'}),
    ]
    expect(bestFailoverTarget(candidates)?.id).toBe('t0-large')
    expect(bestFailoverTarget([instance('sl', 2, 'db.serverless'), instance('r', 2, 'db.r6g.xlarge')], 64)?.id).toBe('sl')
    expect(bestFailoverTarget([instance('w', 0, 'db.r6g.large', {isWriter: true})])).toBeUndefined()
  })

  it('fails over through failing-over, demotes the writer (rebooting) and emits 0073 then 0071', () => {
    const {plane, clock} = makePlane('fast')
    plane.createDBCluster(R, {DBClusterIdentifier: 'c1', ...PG_CLUSTER})
    plane.createDBInstance(R, {DBInstanceIdentifier: 'w', DBClusterIdentifier: 'c1', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'})
    clock.advance(2000)
    plane.createDBInstance(R, {DBInstanceIdentifier: 'small', DBClusterIdentifier: 'c1', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large', PromotionTier: 0})
    plane.createDBInstance(R, {DBInstanceIdentifier: 'big', DBClusterIdentifier: 'c1', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.2xlarge', PromotionTier: 0})
    clock.advance(2000)
    expect(plane.failoverDBCluster(R, {DBClusterIdentifier: 'c1'}).cluster.status).toBe('failing-over')
    expect(fault(() => plane.failoverDBCluster(R, {DBClusterIdentifier: 'c1'})).code).toBe('InvalidDBClusterStateFault')
    clock.advance(timingProfile('fast').failoverPromote)
    expect(instanceOf(plane, 'w')).toMatchObject({isWriter: false, status: 'rebooting'})
    expect(instanceOf(plane, 'big').isWriter).toBe(true)
    clock.advance(timingProfile('fast').failoverComplete)
    expect(clusterOf(plane, 'c1').cluster.status).toBe('available')
    expect(instanceOf(plane, 'w').status).toBe('available')
    const failoverEvents = plane.describeEvents(R, {SourceType: 'db-cluster', EventCategories: ['failover']}).items
    expect(failoverEvents.map((e) => [e.eventId, e.message])).toEqual([
      ['RDS-EVENT-0073', 'Started cross AZ failover to DB instance: big'],
      ['RDS-EVENT-0071', 'Completed failover to DB instance: big'],
    ])
  })

  it('reports a same-AZ failover with RDS-EVENT-0072', () => {
    const {plane} = makePlane('instant')
    plane.createDBCluster(R, {DBClusterIdentifier: 'c1', ...PG_CLUSTER})
    for (const id of ['w', 'r']) {
      plane.createDBInstance(R, {DBInstanceIdentifier: id, DBClusterIdentifier: 'c1', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large', AvailabilityZone: 'us-east-1b'})
    }
    plane.failoverDBCluster(R, {DBClusterIdentifier: 'c1'})
    const failover = plane.describeEvents(R, {SourceType: 'db-cluster', EventCategories: ['failover']}).items
    expect(failover.map((e) => [e.eventId, e.message])).toEqual([
      ['RDS-EVENT-0072', 'Started same AZ failover to DB instance: r'],
      ['RDS-EVENT-0071', 'Completed failover to DB instance: r'],
    ])
  })

  it('honours TargetDBInstanceIdentifier and refuses one-instance clusters', () => {
    const {plane} = makePlane('instant')
    readyCluster(plane, 'solo', 1)
    expect(fault(() => plane.failoverDBCluster(R, {DBClusterIdentifier: 'solo'}))).toMatchObject({
      code: 'InvalidDBClusterStateFault', message: 'Database cluster:solo should have at least two database instances for failover',
    })
    readyCluster(plane, 'c1', 3)
    expect(fault(() => plane.failoverDBCluster(R, {DBClusterIdentifier: 'c1', TargetDBInstanceIdentifier: 'zzz'})).code).toBe('InvalidParameterValue')
    plane.failoverDBCluster(R, {DBClusterIdentifier: 'c1', TargetDBInstanceIdentifier: 'c1-3'})
    expect(clusterOf(plane, 'c1').members.filter((i) => i.isWriter).map((i) => i.id)).toEqual(['c1-3'])
  })
})

describe('describe, regions and events', () => {
  it('paginates with Marker and validates MaxRecords', () => {
    const {plane} = makePlane('instant')
    for (let i = 0; i < 45; i++) plane.createDBCluster(R, {DBClusterIdentifier: `c${String(i).padStart(2, '0')}`, ...PG_CLUSTER})
    const first = plane.describeDBClusters(R, {MaxRecords: 20})
    expect(first.items).toHaveLength(20)
    const second = plane.describeDBClusters(R, {MaxRecords: 20, Marker: first.marker})
    const third = plane.describeDBClusters(R, {MaxRecords: 20, Marker: second.marker})
    expect(third.items).toHaveLength(5)
    expect(third.marker).toBeUndefined()
    expect(new Set([...first.items, ...second.items, ...third.items].map((v) => v.cluster.id)).size).toBe(45)
    expect(fault(() => plane.describeDBClusters(R, {MaxRecords: 19})).code).toBe('InvalidParameterValue')
    expect(fault(() => plane.describeDBClusters(R, {MaxRecords: 101})).code).toBe('InvalidParameterValue')
    expect(plane.describeDBClusters(R, {Filters: [{Name: 'engine', Values: ['aurora-mysql']}]}).items).toHaveLength(0)
    expect(fault(() => plane.describeDBClusters(R, {Filters: [{Name: 'bogus', Values: ['x']}]})).code).toBe('InvalidParameterValue')
  })

  it('keeps Regions apart', () => {
    const {plane} = makePlane('instant')
    plane.createDBCluster('us-west-2', {DBClusterIdentifier: 'west', ...PG_CLUSTER})
    expect(plane.describeDBClusters(R, {}).items).toHaveLength(0)
    const west = plane.describeDBClusters('us-west-2', {}).items[0]
    expect(west.cluster.availabilityZones).toEqual(['us-west-2a', 'us-west-2b', 'us-west-2c'])
  })

  it('events: default window is the last hour, 14 days are kept', () => {
    const {plane, clock} = makePlane('instant')
    plane.createDBCluster(R, {DBClusterIdentifier: 'c1', ...PG_CLUSTER})
    clock.advance(61 * 60_000)
    expect(plane.describeEvents(R, {}).items).toHaveLength(0)
    expect(plane.describeEvents(R, {Duration: 120, SourceType: 'db-cluster'}).items).toHaveLength(1)
    expect(plane.describeEvents(R, {StartTime: new Date(clock.now() - 2 * 3_600_000), SourceType: 'db-cluster', SourceIdentifier: 'C1'}).items)
      .toHaveLength(1)
    expect(fault(() => plane.describeEvents(R, {SourceType: 'nonsense'})).code).toBe('InvalidParameterValue')
    clock.advance(14 * 24 * 3_600_000)
    expect(plane.describeEvents(R, {Duration: 30 * 24 * 60, SourceType: 'db-cluster'}).items).toHaveLength(0)
  })

  it('engine versions: defaults are the newest, unknown engines and versions are refused', () => {
    const {plane} = makePlane('instant')
    expect(plane.createDBCluster(R, {DBClusterIdentifier: 'pg', ...PG_CLUSTER}).cluster).toMatchObject({engineVersion: '16.4', port: 5432})
    expect(plane.createDBCluster(R, {DBClusterIdentifier: 'my', ...PG_CLUSTER, Engine: 'aurora-mysql'}).cluster)
      .toMatchObject({engineVersion: '8.0.mysql_aurora.3.08.0', port: 3306})
    expect(fault(() => plane.createDBCluster(R, {DBClusterIdentifier: 'x', ...PG_CLUSTER, Engine: 'oracle-ee'})).code).toBe('InvalidParameterValue')
    expect(fault(() => plane.createDBCluster(R, {DBClusterIdentifier: 'x', ...PG_CLUSTER, EngineVersion: '9.6'}))).toMatchObject({
      code: 'InvalidParameterCombination', message: 'Cannot find version 9.6 for aurora-postgresql',
    })
    expect(plane.describeDBEngineVersions({Engine: 'aurora-postgresql', DefaultOnly: true}).items.map((v) => v.version)).toEqual(['16.4'])
    expect(plane.describeDBEngineVersions({}).items).toHaveLength(7)
  })
})

describe('persistence', () => {
  it('a reopened store restores resources, the PRNG and pending transitions', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'auroractl-plane-')), 'state.db')
    const clock = new ManualClock()
    const registry = new StorageRegistry({clock, repair: DEFAULT_REPAIR})
    const volumes = new StorageVolumes(registry)
    const replication = new GlobalReplication(registry, clock, false)
    const open = () => new ControlPlane({clock, prng: new Prng(7), store: new Store(path), timing: timingProfile('fast'), volumes, replication})
    const first = open()
    first.createDBCluster(R, {DBClusterIdentifier: 'c1', ...PG_CLUSTER})
    const reopened = open()
    expect(reopened.describeDBClusters(R, {}).items[0].cluster.status).toBe('creating')
    clock.advance(1000)
    expect(reopened.describeDBClusters(R, {}).items[0].cluster.status).toBe('available')
    const second = reopened.createDBCluster(R, {DBClusterIdentifier: 'c2', ...PG_CLUSTER})
    expect(second.cluster.resourceId).not.toBe(reopened.describeDBClusters(R, {DBClusterIdentifier: 'c1'}).items[0].cluster.resourceId)
  })

  it('pages through 1,000 clusters in process', () => {
    const {plane} = makePlane('instant')
    for (let i = 0; i < 1000; i++) plane.createDBCluster(R, {DBClusterIdentifier: `c${i}`, ...PG_CLUSTER})
    let marker: string | undefined
    let count = 0
    do {
      const page = plane.describeDBClusters(R, {Marker: marker})
      count += page.items.length
      marker = page.marker
    } while (marker)
    expect(count).toBe(1000)
  })
})
