import type {Clock} from '../clock.js'
import type {Prng} from '../prng.js'
import * as clusters from './clusters.js'
import {describeDBEngineVersions, type EngineVersionInfo} from './engines.js'
import {describeEvents, type DescribeEventsInput} from './events.js'
import {failoverDBCluster} from './failover.js'
import {dbClusterNotFound, RdsFault} from './faults.js'
import * as global from './global.js'
import * as instances from './instances.js'
import {acceptsWrites, type Backtrack, type Cluster, type DataLossReport, type GlobalRole, type RdsEvent} from './model.js'
import type {RegionState} from './regions.js'
import type {ReplicationService} from './replication.js'
import * as restore from './restore.js'
import {backtrackDBCluster, describeDBClusterBacktracks} from './backtrack.js'
import * as snapshots from './snapshots.js'
import {oldestAutomatedSnapshot} from './snapshots.js'
import type {VolumeService} from './volumes.js'
import type {Filter, Page, PageOf} from './paging.js'
import {ControlState} from './state.js'
import type {Store} from './store.js'
import type {TimingProfile} from './timing.js'
import type {ClusterView, InstanceView} from './views.js'

export interface ClusterRef {
  region: string
  id: string
  resourceId: string
  engine: string
  status: string
  /** Days of automated backups: how far back its volume must stay restorable. */
  backupRetentionPeriod: number
  /** Seconds the volume must stay rewindable (0: backtrack off). */
  backtrackWindow: number
  /** The LSN of the oldest automated snapshot: the continuous backup need not reach further back. */
  backupBaseLsn?: number
  /** Its part in a global database (`demoting`: an old primary fenced by a switchover in progress). */
  globalRole: GlobalRole | 'none'
  globalClusterId?: string
  /** False for a global secondary or a demoting primary: the compute must refuse writes. */
  acceptsWrites: boolean
}

/** What the compute needs of a cluster: who may log in, and which instance does what. */
export interface ComputeTopology extends ClusterRef {
  masterUsername: string
  masterUserPassword?: string
  databaseName?: string
  members: {id: string; isWriter: boolean; status: string; availabilityZone: string}[]
}

export interface ControlPlaneOptions {
  clock: Clock
  prng: Prng
  store: Store
  timing: TimingProfile
  volumes: VolumeService
  replication: ReplicationService
}

/** Meta key of the persisted SystemClock offset (see `advanceClock`). */
export const CLOCK_OFFSET_KEY = 'clockOffsetMs'

/**
 * The emulated RDS control plane for every Region, usable in process (a ManualClock and an in-memory Store make it
 * deterministic) or behind the daemon's Query API. Every operation first applies the transitions that have come due,
 * then validates and mutates, then applies transitions due at once (the `instant` profile), then commits all of it
 * in one SQLite transaction before returning. A fault changes nothing; any other error rolls memory back to the
 * last commit.
 */
export class ControlPlane {
  private readonly clock: Clock
  private readonly state: ControlState

  constructor(options: ControlPlaneOptions) {
    this.clock = options.clock
    this.state = new ControlState(options.prng, options.timing, options.store, options.volumes, options.replication)
  }

  /** Applies every transition that is due; the daemon calls it from a timer. */
  tick(): void {
    this.read(() => undefined)
  }

  /** The time of the next scheduled transition, if any. */
  nextDueAt(): number | undefined {
    return this.state.timers[0]?.at
  }

  /** Every cluster in every Region: what the storage layer keeps a volume for. */
  clusterRefs(): ClusterRef[] {
    const refs: ClusterRef[] = []
    for (const region of this.state.regions.values()) {
      for (const c of region.clusters.values()) refs.push(clusterRefOf(region, c))
    }
    return refs
  }

  /** Every volume the control plane owns, by Region: each cluster's and each snapshot's. */
  volumeIds(): {region: string; id: string}[] {
    const ids: {region: string; id: string}[] = []
    for (const region of this.state.regions.values()) {
      for (const c of region.clusters.values()) ids.push({region: region.name, id: c.resourceId})
      for (const s of region.snapshots.values()) ids.push({region: region.name, id: s.resourceId})
    }
    return ids
  }

  /** Every cluster with its credentials and members, for the compute (never part of a reply). */
  computeTopologies(): ComputeTopology[] {
    const out: ComputeTopology[] = []
    for (const region of this.state.regions.values()) {
      for (const c of region.clusters.values()) {
        out.push({
          ...clusterRefOf(region, c),
          masterUsername: c.masterUsername, masterUserPassword: c.masterUserPassword, databaseName: c.databaseName,
          members: c.members.flatMap((id) => {
            const i = region.instances.get(id)
            return i ? [{id: i.id, isWriter: i.isWriter, status: i.status, availabilityZone: i.availabilityZone}] : []
          }),
        })
      }
    }
    return out
  }

  /** One cluster by identifier; DBClusterNotFoundFault when there is none. */
  clusterRef(region: string, id: string): ClusterRef {
    const ref = this.clusterRefs().find((c) => c.region === region && c.id === id.toLowerCase())
    if (!ref) throw dbClusterNotFound(id)
    return ref
  }

  /** Wipes every Region (admin reset). */
  reset(): void {
    this.state.wipe()
    this.state.commit()
  }

  /** Records a SystemClock offset so a restarted daemon keeps the emulator's time where it was. */
  persistClockOffset(offsetMs: number): void {
    this.state.setMeta(CLOCK_OFFSET_KEY, String(offsetMs))
    this.state.commit()
  }

  createDBCluster(region: string, input: clusters.CreateDBClusterInput): ClusterView {
    return this.mutate(() => clusters.createDBCluster(this.state, region, input))
  }

  describeDBClusters(region: string, input: {DBClusterIdentifier?: string; Filters?: Filter[]} & Page): PageOf<ClusterView> {
    return this.read(() => clusters.describeDBClusters(this.state, region, input))
  }

  modifyDBCluster(region: string, input: clusters.ModifyDBClusterInput): ClusterView {
    return this.mutate(() => clusters.modifyDBCluster(this.state, region, input))
  }

  deleteDBCluster(
    region: string, input: {DBClusterIdentifier: string; SkipFinalSnapshot?: boolean; FinalDBSnapshotIdentifier?: string},
  ): ClusterView {
    return this.mutate(() => clusters.deleteDBCluster(this.state, region, input))
  }

  stopDBCluster(region: string, input: {DBClusterIdentifier: string}): ClusterView {
    return this.mutate(() => clusters.stopDBCluster(this.state, region, input))
  }

  startDBCluster(region: string, input: {DBClusterIdentifier: string}): ClusterView {
    return this.mutate(() => clusters.startDBCluster(this.state, region, input))
  }

  failoverDBCluster(region: string, input: {DBClusterIdentifier: string; TargetDBInstanceIdentifier?: string}): ClusterView {
    return this.mutate(() => failoverDBCluster(this.state, region, input))
  }

  describeDBClusterSnapshots(
    region: string,
    input: {DBClusterIdentifier?: string; DBClusterSnapshotIdentifier?: string; SnapshotType?: string; Filters?: Filter[]} & Page,
  ): PageOf<snapshots.SnapshotView> {
    return this.read(() => snapshots.describeDBClusterSnapshots(this.state, region, input))
  }

  createDBClusterSnapshot(
    region: string, input: {DBClusterSnapshotIdentifier: string; DBClusterIdentifier: string; Tags?: {Key: string; Value: string}[]},
  ): snapshots.SnapshotView {
    return this.mutate(() => snapshots.createDBClusterSnapshot(this.state, region, input))
  }

  deleteDBClusterSnapshot(region: string, input: {DBClusterSnapshotIdentifier: string}): snapshots.SnapshotView {
    return this.mutate(() => snapshots.deleteDBClusterSnapshot(this.state, region, input))
  }

  copyDBClusterSnapshot(region: string, input: Parameters<typeof snapshots.copyDBClusterSnapshot>[2]): snapshots.SnapshotView {
    return this.mutate(() => snapshots.copyDBClusterSnapshot(this.state, region, input))
  }

  restoreDBClusterFromSnapshot(region: string, input: restore.RestoreDBClusterFromSnapshotInput): ClusterView {
    return this.mutate(() => restore.restoreDBClusterFromSnapshot(this.state, region, input))
  }

  restoreDBClusterToPointInTime(region: string, input: restore.RestoreDBClusterToPointInTimeInput): ClusterView {
    return this.mutate(() => restore.restoreDBClusterToPointInTime(this.state, region, input))
  }

  backtrackDBCluster(region: string, input: Parameters<typeof backtrackDBCluster>[2]): Backtrack {
    return this.mutate(() => backtrackDBCluster(this.state, region, input))
  }

  describeDBClusterBacktracks(region: string, input: Parameters<typeof describeDBClusterBacktracks>[2]): PageOf<Backtrack> {
    return this.read(() => describeDBClusterBacktracks(this.state, region, input))
  }

  createDBInstance(region: string, input: instances.CreateDBInstanceInput): InstanceView {
    return this.mutate(() => instances.createDBInstance(this.state, region, input))
  }

  describeDBInstances(region: string, input: {DBInstanceIdentifier?: string; Filters?: Filter[]} & Page): PageOf<InstanceView> {
    return this.read(() => instances.describeDBInstances(this.state, region, input))
  }

  modifyDBInstance(region: string, input: instances.ModifyDBInstanceInput): InstanceView {
    return this.mutate(() => instances.modifyDBInstance(this.state, region, input))
  }

  deleteDBInstance(region: string, input: {DBInstanceIdentifier: string}): InstanceView {
    return this.mutate(() => instances.deleteDBInstance(this.state, region, input))
  }

  rebootDBInstance(region: string, input: {DBInstanceIdentifier: string}): InstanceView {
    return this.mutate(() => instances.rebootDBInstance(this.state, region, input))
  }

  createGlobalCluster(region: string, input: global.CreateGlobalClusterInput): global.GlobalClusterView {
    return this.mutate(() => global.createGlobalCluster(this.state, region, input))
  }

  describeGlobalClusters(input: {GlobalClusterIdentifier?: string; Filters?: Filter[]} & Page): PageOf<global.GlobalClusterView> {
    return this.read(() => global.describeGlobalClusters(this.state, input))
  }

  modifyGlobalCluster(input: Parameters<typeof global.modifyGlobalCluster>[1]): global.GlobalClusterView {
    return this.mutate(() => global.modifyGlobalCluster(this.state, input))
  }

  deleteGlobalCluster(input: {GlobalClusterIdentifier: string}): global.GlobalClusterView {
    return this.mutate(() => global.deleteGlobalCluster(this.state, input))
  }

  /** Cluster ARNs carry their Region; a bare identifier is looked up in `region` (the request's). */
  removeFromGlobalCluster(region: string, input: {GlobalClusterIdentifier: string; DbClusterIdentifier: string}): global.GlobalClusterView {
    return this.mutate(() => global.removeFromGlobalCluster(this.state, region, input))
  }

  failoverGlobalCluster(region: string, input: Parameters<typeof global.failoverGlobalCluster>[2]): global.GlobalClusterView {
    return this.mutate(() => global.failoverGlobalCluster(this.state, region, input))
  }

  switchoverGlobalCluster(region: string, input: {GlobalClusterIdentifier: string; TargetDbClusterIdentifier: string}): global.GlobalClusterView {
    return this.mutate(() => global.switchoverGlobalCluster(this.state, region, input))
  }

  /** The commits the last failover with AllowDataLoss lost (none recorded: undefined), for the admin API. */
  globalClusterDataLoss(globalClusterIdentifier: string): DataLossReport | undefined {
    return this.read(() => global.globalClusterDataLoss(this.state, globalClusterIdentifier))
  }

  describeEvents(region: string, input: DescribeEventsInput): PageOf<RdsEvent & {region: string}> {
    return this.read(() => describeEvents(this.state, region, input))
  }

  describeDBEngineVersions(
    input: {Engine?: string; EngineVersion?: string; DBParameterGroupFamily?: string; DefaultOnly?: boolean} & Page,
  ): PageOf<EngineVersionInfo & {validUpgradeTargets: EngineVersionInfo[]}> {
    return describeDBEngineVersions(input)
  }

  private read<T>(query: () => T): T {
    return this.mutate(() => {
      const result = query()
      return () => result
    })
  }

  /**
   * `operation` returns a function that builds the reply; it is called after transitions due at once have been
   * applied, so under the `instant` profile the reply shows the settled state.
   */
  private mutate<T>(operation: () => () => T): T {
    const state = this.state
    const now = this.clock.now()
    let operated = false
    try {
      state.applyDue(now)
      state.now = now
      state.at = now
      const reply = operation()
      operated = true
      state.applyDue(now)
      state.commit()
      return reply()
    } catch (error) {
      if (error instanceof RdsFault && !operated) {
        // Transitions applied before the operation are real progress; keep them.
        state.commit()
      } else {
        // An unexpected error, or a fault from a transition the operation set off: nothing of it is kept.
        state.load()
      }
      throw error
    }
  }
}

function clusterRefOf(region: RegionState, c: Cluster): ClusterRef {
  return {
    region: region.name, id: c.id, resourceId: c.resourceId, engine: c.engine, status: c.status,
    backupRetentionPeriod: c.backupRetentionPeriod, backtrackWindow: c.backtrackWindow ?? 0,
    backupBaseLsn: oldestAutomatedSnapshot(region, c)?.lsn,
    globalRole: c.global?.role ?? 'none', globalClusterId: c.global?.id, acceptsWrites: acceptsWrites(c),
  }
}
