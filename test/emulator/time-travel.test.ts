import {describe, expect, it} from 'vitest'
import type {ManualClock} from '../../src/lib/emulator/clock.js'
import {timingProfile} from '../../src/lib/emulator/control/timing.js'
import type {ControlPlane} from '../../src/lib/emulator/control/plane.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import type {StorageRegistry} from '../../src/lib/emulator/storage/registry.js'
import {fault, makePlane, PG_CLUSTER} from './helpers.js'

// The control plane's time features in process, over real (in-memory) volumes: snapshots, automated backups and
// their expiry, point-in-time restore, clones and backtrack, and every refusal named in AURORA_FACTS §8–11.

const R = 'us-east-1'
const DAY = 86_400_000
const MYSQL = {Engine: 'aurora-mysql', MasterUsername: 'admin', MasterUserPassword: 'secret-pass-1'}

function ready(plane: ControlPlane, id: string, extra: Record<string, unknown> = {}, instances = 1): void {
  plane.createDBCluster(R, {DBClusterIdentifier: id, ...PG_CLUSTER, ...extra})
  const engine = (extra.Engine as string | undefined) ?? 'aurora-postgresql'
  for (let i = 1; i <= instances; i++) {
    plane.createDBInstance(R, {DBInstanceIdentifier: `${id}-${i}`, DBClusterIdentifier: id, Engine: engine, DBInstanceClass: 'db.r6g.large'})
  }
}

const cluster = (plane: ControlPlane, id: string) => plane.describeDBClusters(R, {DBClusterIdentifier: id}).items[0]
const volumeOf = (plane: ControlPlane, registry: StorageRegistry, id: string) => registry.volume(R, cluster(plane, id).cluster.resourceId)

/** One small transaction on a cluster's volume, stamped with the clock's time; returns its LSN. */
function write(plane: ControlPlane, registry: StorageRegistry, id: string, value: number): number {
  const bytes = new Uint8Array(16).fill(value % 251)
  return volumeOf(plane, registry, id).commit([{block: 100 + (value % 40), ranges: [{offset: (value * 16) % 8000, bytes}]}])
}

/** Everything a refused request could have changed. */
function state(plane: ControlPlane): string {
  return JSON.stringify([
    plane.describeDBClusters(R, {}).items.map((v) => v.cluster),
    plane.describeDBClusterSnapshots(R, {}).items,
    plane.describeDBInstances(R, {}).items.map((v) => v.instance),
  ])
}

function refused(plane: ControlPlane, fn: () => unknown): {code: string; message: string} {
  const before = state(plane)
  const result = fault(fn)
  expect(state(plane)).toBe(before)
  return result
}

describe('snapshots', () => {
  it('create, list, copy and delete manual snapshots; the snapshot outlives its cluster', () => {
    const {plane, clock} = makePlane('fast')
    ready(plane, 'src')
    clock.advance(2000)
    const created = plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'snap1', DBClusterIdentifier: 'src'})
    expect(created.snapshot).toMatchObject({status: 'creating', snapshotType: 'manual', clusterId: 'src'})
    clock.advance(1000)
    const listed = plane.describeDBClusterSnapshots(R, {SnapshotType: 'manual'}).items.map((s) => s.snapshot)
    expect(listed.map((s) => [s.id, s.status])).toEqual([['snap1', 'available']])
    expect(plane.describeDBClusterSnapshots(R, {SnapshotType: 'automated'}).items.map((s) => s.snapshot.id)[0]).toMatch(/^rds:src-\d{4}-\d\d-\d\d-\d\d-\d\d$/)
    expect(plane.copyDBClusterSnapshot(R, {SourceDBClusterSnapshotIdentifier: 'snap1', TargetDBClusterSnapshotIdentifier: 'snap2'}).snapshot.status).toBe('copying')
    clock.advance(1000)
    plane.deleteDBInstance(R, {DBInstanceIdentifier: 'src-1'})
    clock.advance(1000)
    plane.deleteDBCluster(R, {DBClusterIdentifier: 'src', FinalDBSnapshotIdentifier: 'final'})
    clock.advance(1000)
    const left = plane.describeDBClusterSnapshots(R, {}).items.map((s) => s.snapshot)
    // The automated snapshots went with the cluster; the manual ones stay.
    expect(left.map((s) => [s.id, s.snapshotType, s.status])).toEqual([
      ['final', 'manual', 'available'], ['snap1', 'manual', 'available'], ['snap2', 'manual', 'available'],
    ])
    expect(plane.deleteDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'snap2'}).snapshot.id).toBe('snap2')
    expect(fault(() => plane.describeDBClusterSnapshots(R, {DBClusterSnapshotIdentifier: 'snap2'})).code).toBe('DBClusterSnapshotNotFoundFault')
  })

  it('refuses bad snapshot requests with the AWS code and changes nothing', () => {
    const {plane, clock} = makePlane('fast')
    ready(plane, 'src')
    clock.advance(2000)
    plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'busy', DBClusterIdentifier: 'src'})
    expect(refused(plane, () => plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'busy', DBClusterIdentifier: 'src'})).code)
      .toBe('DBClusterSnapshotAlreadyExistsFault')
    expect(refused(plane, () => plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'x', DBClusterIdentifier: 'nope'})).code)
      .toBe('DBClusterNotFoundFault')
    expect(refused(plane, () => plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: '1bad', DBClusterIdentifier: 'src'})).code)
      .toBe('InvalidParameterValue')
    expect(refused(plane, () => plane.deleteDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'busy'})).code)
      .toBe('InvalidDBClusterSnapshotStateFault')
    expect(refused(plane, () => plane.copyDBClusterSnapshot(R, {SourceDBClusterSnapshotIdentifier: 'busy', TargetDBClusterSnapshotIdentifier: 'c'})).code)
      .toBe('InvalidDBClusterSnapshotStateFault')
    expect(refused(plane, () => plane.deleteDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'ghost'})).code)
      .toBe('DBClusterSnapshotNotFoundFault')
    const automated = plane.describeDBClusterSnapshots(R, {SnapshotType: 'automated'}).items[0].snapshot.id
    expect(refused(plane, () => plane.deleteDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: automated})).code)
      .toBe('InvalidDBClusterSnapshotStateFault')
    expect(refused(plane, () => plane.describeDBClusterSnapshots(R, {SnapshotType: 'weekly'})).code).toBe('InvalidParameterValue')
    plane.stopDBCluster(R, {DBClusterIdentifier: 'src'})
    expect(refused(plane, () => plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'y', DBClusterIdentifier: 'src'})).code)
      .toBe('InvalidDBClusterStateFault')
  })

  it('stops at 100 manual snapshots per Region (SnapshotQuotaExceeded)', () => {
    const {plane} = makePlane('instant')
    ready(plane, 'src')
    for (let i = 0; i < 100; i++) plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: `s${i}`, DBClusterIdentifier: 'src'})
    expect(refused(plane, () => plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 's100', DBClusterIdentifier: 'src'})).code)
      .toBe('SnapshotQuotaExceeded')
    expect(refused(plane, () => plane.copyDBClusterSnapshot(R, {SourceDBClusterSnapshotIdentifier: 's1', TargetDBClusterSnapshotIdentifier: 's101'})).code)
      .toBe('SnapshotQuotaExceeded')
  })
})

describe('automated backups', () => {
  it('take a snapshot daily in the backup window and expire with the retention period as the clock moves', () => {
    const {plane, clock} = makePlane('instant')
    ready(plane, 'src', {PreferredBackupWindow: '03:00-03:30'})
    const created = clock.now()
    expect(cluster(plane, 'src').restorable?.earliest).toBe(created)
    clock.advance(3 * DAY)
    const automated = plane.describeDBClusterSnapshots(R, {SnapshotType: 'automated'}).items.map((s) => s.snapshot)
    // Retention 1 day: only snapshots from the last day's windows remain, all taken at 03:00 UTC.
    expect(automated.length).toBeGreaterThanOrEqual(1)
    expect(automated.length).toBeLessThanOrEqual(2)
    for (const s of automated) {
      expect(new Date(s.createdAt).toISOString().slice(11, 16)).toBe('03:00')
      expect(s.createdAt).toBeGreaterThanOrEqual(clock.now() - 2 * DAY)
    }
    const window = cluster(plane, 'src').restorable!
    expect(window.earliest).toBe(Math.min(...automated.map((s) => s.createdAt)))
    expect(window.latest).toBe(clock.now())
    expect(refused(plane, () => plane.restoreDBClusterToPointInTime(R, {
      DBClusterIdentifier: 'old', SourceDBClusterIdentifier: 'src', RestoreToTime: new Date(created + 1000),
    })).code).toBe('InvalidRestoreFault')
  })

  it('cannot be disabled: a retention of 0 (or 36) is refused', () => {
    const {plane} = makePlane('instant')
    ready(plane, 'src')
    expect(refused(plane, () => plane.modifyDBCluster(R, {DBClusterIdentifier: 'src', BackupRetentionPeriod: 0})).code).toBe('InvalidParameterValue')
    expect(refused(plane, () => plane.createDBCluster(R, {DBClusterIdentifier: 'x', ...PG_CLUSTER, BackupRetentionPeriod: 36})).code)
      .toBe('InvalidParameterValue')
  })
})

describe('point-in-time restore and clones', () => {
  it('restores exactly what the volume held at 100 random times, reading the continuous backup once the log is folded', () => {
    const {plane, clock, registry} = makePlane('instant')
    ready(plane, 'src')
    const times: {at: number; checksum: string}[] = []
    const source = volumeOf(plane, registry, 'src')
    for (let i = 1; i <= 300; i++) {
      clock.advance(1000)
      write(plane, registry, 'src', i)
      if (i % 50 === 0) source.coalesce(true)
      times.push({at: clock.now(), checksum: source.contentChecksum().crc32})
    }
    source.coalesce(true)
    const prng = new Prng(5)
    for (let n = 0; n < 100; n++) {
      const pick = times[prng.int(times.length)]
      // Anywhere in the second before the next write reads the same data.
      const at = pick.at + prng.int(1000)
      const id = `r${n}`
      const restored = plane.restoreDBClusterToPointInTime(R, {DBClusterIdentifier: id, SourceDBClusterIdentifier: 'src', RestoreToTime: new Date(at)})
      expect(restored.cluster.masterUserPassword).toBe(PG_CLUSTER.MasterUserPassword)
      expect(registry.volume(R, restored.cluster.resourceId).contentChecksum().crc32, `restore to ${new Date(at).toISOString()}`).toBe(pick.checksum)
      plane.deleteDBCluster(R, {DBClusterIdentifier: id, SkipFinalSnapshot: true})
    }
  })

  it('a copy-on-write clone diverges from its source both ways; the 16th clone of a source is a full copy', () => {
    const {plane, clock, registry} = makePlane('instant')
    ready(plane, 'src')
    for (let i = 1; i <= 20; i++) {
      clock.advance(10)
      write(plane, registry, 'src', i)
    }
    const before = volumeOf(plane, registry, 'src').contentChecksum().crc32
    const clone = plane.restoreDBClusterToPointInTime(R, {
      DBClusterIdentifier: 'clone1', SourceDBClusterIdentifier: 'src', RestoreType: 'copy-on-write', UseLatestRestorableTime: true,
    })
    expect(clone.cluster.cloneGroupId).toBeDefined()
    expect(cluster(plane, 'src').cluster.cloneGroupId).toBe(clone.cluster.cloneGroupId)
    expect(volumeOf(plane, registry, 'clone1').contentChecksum().crc32).toBe(before)
    write(plane, registry, 'src', 77)
    expect(volumeOf(plane, registry, 'clone1').contentChecksum().crc32).toBe(before)
    plane.createDBInstance(R, {DBInstanceIdentifier: 'clone1-1', DBClusterIdentifier: 'clone1', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'})
    const sourceNow = volumeOf(plane, registry, 'src').contentChecksum().crc32
    write(plane, registry, 'clone1', 99)
    expect(volumeOf(plane, registry, 'src').contentChecksum().crc32).toBe(sourceNow)
    for (let i = 2; i <= 15; i++) {
      expect(plane.restoreDBClusterToPointInTime(R, {
        DBClusterIdentifier: `clone${i}`, SourceDBClusterIdentifier: 'src', RestoreType: 'copy-on-write', UseLatestRestorableTime: true,
      }).cluster.cloneOf).toBeDefined()
    }
    const sixteenth = plane.restoreDBClusterToPointInTime(R, {
      DBClusterIdentifier: 'clone16', SourceDBClusterIdentifier: 'src', RestoreType: 'copy-on-write', UseLatestRestorableTime: true,
    }).cluster
    expect(sixteenth.cloneOf).toBeUndefined()
    expect(registry.volume(R, sixteenth.resourceId).parentVolume).toBeUndefined()
    expect(registry.volume(R, sixteenth.resourceId).contentChecksum().crc32).toBe(sourceNow)
  })

  it('restores a snapshot after its cluster is deleted, with the source master user and password', () => {
    const {plane, clock, registry} = makePlane('instant')
    ready(plane, 'src')
    for (let i = 1; i <= 10; i++) write(plane, registry, 'src', i)
    const atSnapshot = volumeOf(plane, registry, 'src').contentChecksum().crc32
    plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'keep', DBClusterIdentifier: 'src'})
    write(plane, registry, 'src', 11)
    plane.deleteDBInstance(R, {DBInstanceIdentifier: 'src-1'})
    plane.deleteDBCluster(R, {DBClusterIdentifier: 'src', SkipFinalSnapshot: true})
    clock.advance(1000)
    const restored = plane.restoreDBClusterFromSnapshot(R, {DBClusterIdentifier: 'back', SnapshotIdentifier: 'keep', Engine: 'aurora-postgresql'})
    expect(restored.cluster).toMatchObject({masterUsername: PG_CLUSTER.MasterUsername, masterUserPassword: PG_CLUSTER.MasterUserPassword, members: []})
    expect(registry.volume(R, restored.cluster.resourceId).contentChecksum().crc32).toBe(atSnapshot)
  })

  it('refuses every bad restore with the AWS code and changes nothing', () => {
    const {plane, clock} = makePlane('instant')
    ready(plane, 'src')
    ready(plane, 'empty', {}, 0)
    clock.advance(60_000)
    const pitr = (extra: Record<string, unknown>) => () =>
      plane.restoreDBClusterToPointInTime(R, {DBClusterIdentifier: 'new', SourceDBClusterIdentifier: 'src', ...extra})
    expect(refused(plane, pitr({RestoreToTime: new Date(clock.now() - 1000), UseLatestRestorableTime: true})).code).toBe('InvalidParameterCombination')
    expect(refused(plane, pitr({})).code).toBe('InvalidParameterCombination')
    expect(refused(plane, pitr({RestoreType: 'copy-on-write', RestoreToTime: new Date(clock.now() - 1000)})).code).toBe('InvalidParameterCombination')
    expect(refused(plane, pitr({RestoreType: 'snapshot', UseLatestRestorableTime: true})).code).toBe('InvalidParameterValue')
    const early = refused(plane, pitr({RestoreToTime: new Date(clock.now() - 2 * DAY)}))
    expect(early.code).toBe('InvalidRestoreFault')
    expect(early.message).toMatch(/outside its restorable window/)
    expect(refused(plane, pitr({RestoreToTime: new Date(clock.now() + 60_000)})).code).toBe('InvalidRestoreFault')
    expect(refused(plane, pitr({UseLatestRestorableTime: true, BacktrackWindow: 3600})).code).toBe('InvalidParameterValue')
    expect(refused(plane, () => plane.restoreDBClusterToPointInTime(R, {
      DBClusterIdentifier: 'new', SourceDBClusterIdentifier: 'ghost', UseLatestRestorableTime: true,
    })).code).toBe('DBClusterNotFoundFault')
    expect(refused(plane, () => plane.restoreDBClusterToPointInTime(R, {
      DBClusterIdentifier: 'src', SourceDBClusterIdentifier: 'src', UseLatestRestorableTime: true,
    })).code).toBe('DBClusterAlreadyExistsFault')
    expect(refused(plane, () => plane.restoreDBClusterToPointInTime(R, {
      DBClusterIdentifier: 'new', SourceDBClusterIdentifier: 'empty', RestoreType: 'copy-on-write', UseLatestRestorableTime: true,
    })).code).toBe('InvalidDBClusterStateFault')
    plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'snap', DBClusterIdentifier: 'src'})
    const fromSnapshot = (extra: Record<string, unknown>) => () =>
      plane.restoreDBClusterFromSnapshot(R, {DBClusterIdentifier: 'new', SnapshotIdentifier: 'snap', Engine: 'aurora-postgresql', ...extra})
    expect(refused(plane, fromSnapshot({Engine: 'aurora-mysql'})).code).toBe('InvalidParameterCombination')
    expect(refused(plane, fromSnapshot({SnapshotIdentifier: 'ghost'})).code).toBe('DBClusterSnapshotNotFoundFault')
    expect(refused(plane, fromSnapshot({DBClusterIdentifier: 'src'})).code).toBe('DBClusterAlreadyExistsFault')
  })
})

describe('backtrack', () => {
  function backtrackable(): {plane: ControlPlane; clock: ManualClock; registry: StorageRegistry} {
    const made = makePlane('fast')
    made.plane.createDBCluster(R, {DBClusterIdentifier: 'my', ...MYSQL, BacktrackWindow: 3600})
    made.clock.advance(1000)
    return made
  }

  it('rewinds the volume in place to the time asked for, through pending, applying and completed, and forward again', () => {
    const {plane, clock, registry} = backtrackable()
    const checksums: {at: number; crc: string}[] = []
    for (let i = 1; i <= 30; i++) {
      clock.advance(1000)
      write(plane, registry, 'my', i)
      checksums.push({at: clock.now(), crc: volumeOf(plane, registry, 'my').contentChecksum().crc32})
    }
    const fast = timingProfile('fast').backtrack
    const target = checksums[9]
    const backtrack = plane.backtrackDBCluster(R, {DBClusterIdentifier: 'my', BacktrackTo: new Date(target.at + 500)})
    expect(backtrack).toMatchObject({status: 'pending', backtrackTo: target.at + 500})
    expect(cluster(plane, 'my').cluster.status).toBe('backtracking')
    expect(fault(() => plane.backtrackDBCluster(R, {DBClusterIdentifier: 'my', BacktrackTo: new Date(target.at)})).code).toBe('InvalidDBClusterStateFault')
    clock.advance(fast / 2)
    expect(plane.describeDBClusterBacktracks(R, {DBClusterIdentifier: 'my'}).items[0].status).toBe('applying')
    clock.advance(fast / 2)
    expect(plane.describeDBClusterBacktracks(R, {DBClusterIdentifier: 'my', BacktrackIdentifier: backtrack.id}).items[0].status).toBe('completed')
    expect(cluster(plane, 'my').cluster.status).toBe('available')
    expect(volumeOf(plane, registry, 'my').contentChecksum().crc32).toBe(target.crc)
    // Forward again, to a time before the first backtrack was made: the kept log is still there.
    clock.advance(1000)
    plane.backtrackDBCluster(R, {DBClusterIdentifier: 'my', BacktrackTo: new Date(checksums[19].at)})
    clock.advance(fast)
    expect(volumeOf(plane, registry, 'my').contentChecksum().crc32).toBe(checksums[19].crc)
    expect(plane.describeDBClusterBacktracks(R, {DBClusterIdentifier: 'my'}).items.map((b) => b.status)).toEqual(['completed', 'completed'])
  })

  it('goes back past a snapshot, which keeps its image through the writes that follow', () => {
    const {plane, clock, registry} = backtrackable()
    const marks: {at: number; crc: string}[] = []
    for (let i = 1; i <= 20; i++) {
      clock.advance(1000)
      write(plane, registry, 'my', i)
      marks.push({at: clock.now(), crc: volumeOf(plane, registry, 'my').contentChecksum().crc32})
      if (i === 15) plane.createDBClusterSnapshot(R, {DBClusterSnapshotIdentifier: 'at-15', DBClusterIdentifier: 'my'})
    }
    plane.backtrackDBCluster(R, {DBClusterIdentifier: 'my', BacktrackTo: new Date(marks[4].at)})
    clock.advance(timingProfile('fast').backtrack)
    expect(plane.describeDBClusterBacktracks(R, {DBClusterIdentifier: 'my'}).items[0].status).toBe('completed')
    expect(volumeOf(plane, registry, 'my').contentChecksum().crc32).toBe(marks[4].crc)
    write(plane, registry, 'my', 99)
    plane.restoreDBClusterFromSnapshot(R, {DBClusterIdentifier: 'from-15', SnapshotIdentifier: 'at-15', Engine: 'aurora-mysql'})
    expect(volumeOf(plane, registry, 'from-15').contentChecksum().crc32).toBe(marks[14].crc)
  })

  it('refuses what AWS refuses', () => {
    const {plane, clock} = backtrackable()
    plane.createDBCluster(R, {DBClusterIdentifier: 'pg', ...PG_CLUSTER})
    plane.createDBCluster(R, {DBClusterIdentifier: 'off', ...MYSQL})
    clock.advance(1000)
    const now = clock.now()
    const at = (id: string, to: number, extra: Record<string, unknown> = {}) => () =>
      plane.backtrackDBCluster(R, {DBClusterIdentifier: id, BacktrackTo: new Date(to), ...extra})
    expect(refused(plane, at('pg', now - 1000)).code).toBe('InvalidDBClusterStateFault')
    expect(refused(plane, at('off', now - 1000)).code).toBe('InvalidDBClusterStateFault')
    expect(refused(plane, at('ghost', now - 1000)).code).toBe('DBClusterNotFoundFault')
    expect(refused(plane, at('my', now + 60_000)).code).toBe('InvalidParameterValue')
    const early = refused(plane, at('my', now - 2 * 3_600_000))
    expect(early.code).toBe('InvalidParameterValue')
    expect(early.message).toMatch(/earliest backtrack time/)
    expect(plane.backtrackDBCluster(R, {
      DBClusterIdentifier: 'my', BacktrackTo: new Date(now - 2 * 3_600_000), UseEarliestTimeOnPointInTimeUnavailable: true,
    }).backtrackTo).toBe(cluster(plane, 'my').earliestBacktrackTime)
    expect(fault(() => plane.describeDBClusterBacktracks(R, {DBClusterIdentifier: 'my', BacktrackIdentifier: 'nope'})).code)
      .toBe('DBClusterBacktrackNotFoundFault')
    expect(refused(plane, () => plane.createDBCluster(R, {DBClusterIdentifier: 'w', ...MYSQL, BacktrackWindow: 259_201})).code).toBe('InvalidParameterValue')
    expect(refused(plane, () => plane.modifyDBCluster(R, {DBClusterIdentifier: 'off', BacktrackWindow: 600})).code).toBe('InvalidParameterCombination')
  })
})
