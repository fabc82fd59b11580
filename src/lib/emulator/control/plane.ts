import type {Clock} from '../clock.js'
import type {Prng} from '../prng.js'
import {
  compareVersions, defaultPort, engineVersions, instanceClassMemoryGiB, isKnownInstanceClass, licenseModel,
  resolveEngineVersion, SERVERLESS_CLASS, type AuroraEngine, type EngineVersionInfo,
} from './engines.js'
import {EVENT_RETENTION_MS, EVENT_SOURCE_TYPES, EVENTS, type EventTemplate} from './events.js'
import {
  dbClusterAlreadyExists, dbClusterNotFound, dbClusterSnapshotAlreadyExists, dbClusterSnapshotNotFound,
  dbInstanceAlreadyExists, dbInstanceNotFound, instanceQuotaExceeded, invalidDbClusterState, invalidDbInstanceState,
  invalidParameterCombination, invalidParameterValue, RdsFault,
} from './faults.js'
import {
  clusterArn, clusterSnapshotArn, instanceArn, moveCluster, moveInstance, requireClusterStatus, requireInstanceStatus,
  type Cluster, type ClusterSnapshot, type EventSourceType, type Instance, type RdsEvent, type ServerlessV2Scaling,
} from './model.js'
import {availabilityZones, type RegionState} from './regions.js'
import {emptyChangeSet, type ChangeSet, type SeqRow, type Store} from './store.js'
import type {TimingProfile} from './timing.js'
import {
  validateBackupRetentionPeriod, validateBacktrackWindow, validateBackupWindow, validateIdentifier,
  validateMaintenanceWindow, validateMasterPassword, validateMasterUsername, validatePort, validatePromotionTier,
  validateServerlessV2,
} from './validation.js'

export interface Tag {
  Key: string
  Value: string
}

export interface Filter {
  Name: string
  Values: string[]
}

export interface Page {
  MaxRecords?: number
  Marker?: string
}

export interface CreateDBClusterInput {
  DBClusterIdentifier: string
  Engine: string
  EngineVersion?: string
  MasterUsername?: string
  MasterUserPassword?: string
  ManageMasterUserPassword?: boolean
  DatabaseName?: string
  Port?: number
  AvailabilityZones?: string[]
  BackupRetentionPeriod?: number
  BacktrackWindow?: number
  DeletionProtection?: boolean
  StorageEncrypted?: boolean
  ServerlessV2ScalingConfiguration?: {MinCapacity?: number; MaxCapacity?: number; SecondsUntilAutoPause?: number}
  PreferredBackupWindow?: string
  PreferredMaintenanceWindow?: string
  VpcSecurityGroupIds?: string[]
  Tags?: Tag[]
  EngineMode?: string
}

export interface ModifyDBClusterInput {
  DBClusterIdentifier: string
  NewDBClusterIdentifier?: string
  ApplyImmediately?: boolean
  BackupRetentionPeriod?: number
  BacktrackWindow?: number
  DeletionProtection?: boolean
  ServerlessV2ScalingConfiguration?: {MinCapacity?: number; MaxCapacity?: number; SecondsUntilAutoPause?: number}
  EngineVersion?: string
  AllowMajorVersionUpgrade?: boolean
  Port?: number
  MasterUserPassword?: string
  ManageMasterUserPassword?: boolean
  PreferredBackupWindow?: string
  PreferredMaintenanceWindow?: string
}

export interface CreateDBInstanceInput {
  DBInstanceIdentifier: string
  DBInstanceClass: string
  Engine: string
  EngineVersion?: string
  DBClusterIdentifier?: string
  AvailabilityZone?: string
  PromotionTier?: number
  Tags?: Tag[]
}

export interface ModifyDBInstanceInput {
  DBInstanceIdentifier: string
  DBInstanceClass?: string
  PromotionTier?: number
  ApplyImmediately?: boolean
}

export interface DescribeEventsInput extends Page {
  SourceIdentifier?: string
  SourceType?: string
  StartTime?: Date
  EndTime?: Date
  Duration?: number
  EventCategories?: string[]
}

/** A cluster as a reply shows it: the record plus what its shape derives from the Region and its instances. */
export interface ClusterView {
  region: string
  endpointHash: string
  cluster: Cluster
  members: Instance[]
}

export interface InstanceView {
  region: string
  endpointHash: string
  instance: Instance
  cluster: Cluster
}

export interface PageOf<T> {
  items: T[]
  marker?: string
}

/** Scheduled work: each transition completes an intermediate state the request (or a previous transition) entered. */
type Transition =
  | {type: 'cluster-created'; cluster: string}
  | {type: 'cluster-settled'; cluster: string; engineVersion?: string}
  | {type: 'cluster-stopped'; cluster: string}
  | {type: 'cluster-started'; cluster: string}
  | {type: 'cluster-deleted'; cluster: string}
  | {type: 'instance-created'; instance: string}
  | {type: 'instance-class-applied'; instance: string; instanceClass: string}
  | {type: 'instance-rebooted'; instance: string}
  | {type: 'instance-deleted'; instance: string}
  | {type: 'failover-promote'; cluster: string; target: string}
  | {type: 'failover-complete'; cluster: string; target: string; previousWriter?: string}
  | {type: 'snapshot-created'; snapshot: string}

interface Timer {
  seq: number
  region: string
  at: number
  transition: Transition
}

const MAX_INSTANCES_PER_CLUSTER = 16

export interface ControlPlaneOptions {
  clock: Clock
  prng: Prng
  store: Store
  timing: TimingProfile
}

/**
 * The emulated RDS control plane for every Region. Each public operation validates everything first, then mutates
 * memory and records the changes; `commit` writes them in one SQLite transaction. Scheduled transitions are applied
 * by `tick`, which every operation runs first, so a ManualClock makes the whole thing deterministic.
 */
export class ControlPlane {
  readonly clock: Clock
  readonly timing: TimingProfile
  private readonly prng: Prng
  private readonly store: Store
  private regions = new Map<string, RegionState>()
  private timers: Timer[] = []
  private nextSeq = 1
  private changes: ChangeSet = emptyChangeSet()
  /** The logical time of the change being made: the request time, or a transition's scheduled time. */
  private at = 0

  constructor(options: ControlPlaneOptions) {
    this.clock = options.clock
    this.prng = options.prng
    this.store = options.store
    this.timing = options.timing
    this.loadFromStore()
  }

  // ---- transactions -------------------------------------------------------------------------------------------

  /**
   * Runs one operation: applies due transitions, runs `operation`, applies transitions that are due immediately
   * (the `instant` profile), and commits. A fault leaves nothing behind (operations validate before mutating);
   * any other error reloads the last committed state so memory never diverges from disk.
   */
  run<T>(operation: () => T): T {
    return this.mutate(() => {
      const result = operation()
      return () => result
    })
  }

  /**
   * Like `run`, for operations that change state: `operation` returns a function that builds the reply, called after
   * transitions due at once have been applied, so under the `instant` profile the reply shows the settled state.
   */
  private mutate<T>(operation: () => () => T): T {
    const now = this.clock.now()
    try {
      this.applyDue(now)
      this.at = now
      const reply = operation()
      this.applyDue(now)
      this.commit()
      return reply()
    } catch (error) {
      if (error instanceof RdsFault) {
        // Transitions applied before the operation are real progress; keep them.
        this.commit()
      } else {
        this.changes = emptyChangeSet()
        this.loadFromStore()
      }
      throw error
    }
  }

  /** Applies every transition due at `now`; the daemon calls it from a timer. */
  tick(): void {
    this.run(() => undefined)
  }

  /** The time of the next scheduled transition, if any. */
  nextDueAt(): number | undefined {
    return this.timers[0]?.at
  }

  /** Wipes every Region (admin reset). */
  reset(): void {
    this.regions.clear()
    this.timers = []
    this.changes = emptyChangeSet()
    this.changes.wipe = true
    this.commit()
  }

  private commit(): void {
    this.changes.meta.set('prng', JSON.stringify(this.prng.state))
    this.changes.meta.set('nextSeq', String(this.nextSeq))
    const changes = this.changes
    this.changes = emptyChangeSet()
    this.store.commit(changes)
  }

  private loadFromStore(): void {
    const state = this.store.load()
    this.regions = new Map()
    const prngState = state.meta.get('prng')
    if (prngState) this.prng.state = JSON.parse(prngState) as number[]
    this.nextSeq = Number(state.meta.get('nextSeq') ?? '1')
    for (const row of state.resources) {
      if (row.kind === 'region') {
        const doc = row.doc as {endpointHash: string}
        this.regions.set(row.region, emptyRegion(row.region, doc.endpointHash))
      }
    }
    for (const row of state.resources) {
      const region = this.regions.get(row.region)
      if (!region) continue
      if (row.kind === 'cluster') region.clusters.set((row.doc as Cluster).id, row.doc as Cluster)
      else if (row.kind === 'instance') region.instances.set((row.doc as Instance).id, row.doc as Instance)
      else if (row.kind === 'snapshot') region.snapshots.set((row.doc as ClusterSnapshot).id, row.doc as ClusterSnapshot)
    }
    for (const row of state.events) {
      this.regions.get(row.region)?.events.push({...(row.doc as RdsEvent), seq: row.seq})
    }
    this.timers = state.timers.map((row) => ({seq: row.seq, region: row.region, at: row.at, transition: row.doc as Transition}))
  }

  private region(name: string): RegionState {
    let region = this.regions.get(name)
    if (!region) {
      region = emptyRegion(name, this.prng.alnum(12))
      this.regions.set(name, region)
      this.changes.resources.set(`${name}/region/`, {region: name, kind: 'region', key: '', doc: {endpointHash: region.endpointHash}})
    }
    return region
  }

  private saveCluster(region: RegionState, cluster: Cluster, deleted = false): void {
    this.changes.resources.set(`${region.name}/cluster/${cluster.resourceId}`, {
      region: region.name, kind: 'cluster', key: cluster.resourceId, doc: deleted ? null : cluster,
    })
  }

  private saveInstance(region: RegionState, instance: Instance, deleted = false): void {
    this.changes.resources.set(`${region.name}/instance/${instance.resourceId}`, {
      region: region.name, kind: 'instance', key: instance.resourceId, doc: deleted ? null : instance,
    })
  }

  private saveSnapshot(region: RegionState, snapshot: ClusterSnapshot): void {
    this.changes.resources.set(`${region.name}/snapshot/${snapshot.id}`, {
      region: region.name, kind: 'snapshot', key: snapshot.id, doc: snapshot,
    })
  }

  private emit(region: RegionState, template: EventTemplate, sourceId: string, detail = ''): void {
    const arn =
      template.sourceType === 'db-cluster' ? clusterArn(region.name, sourceId)
        : template.sourceType === 'db-instance' ? instanceArn(region.name, sourceId)
          : clusterSnapshotArn(region.name, sourceId)
    const event: RdsEvent = {
      sourceType: template.sourceType, sourceId, sourceArn: arn, eventId: template.id,
      message: template.message(detail), categories: [template.category], at: this.at,
    }
    const seq = this.nextSeq++
    region.events.push({...event, seq})
    this.changes.events.push({seq, region: region.name, at: event.at, doc: event} satisfies SeqRow)
  }

  private schedule(region: RegionState, delayMs: number, transition: Transition): void {
    const timer: Timer = {seq: this.nextSeq++, region: region.name, at: this.at + delayMs, transition}
    this.timers.push(timer)
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
    this.changes.timersAdded.push({seq: timer.seq, region: timer.region, at: timer.at, doc: transition})
  }

  private applyDue(now: number): void {
    while (this.timers.length > 0 && this.timers[0].at <= now) {
      const timer = this.timers.shift() as Timer
      this.changes.timersRemoved.push(timer.seq)
      this.at = timer.at
      this.apply(this.region(timer.region), timer.transition)
    }
    this.pruneEvents(now)
  }

  private pruneEvents(now: number): void {
    const cutoff = now - EVENT_RETENTION_MS
    for (const region of this.regions.values()) {
      if (region.events.length > 0 && region.events[0].at < cutoff) {
        region.events = region.events.filter((e) => e.at >= cutoff)
        this.changes.eventsPrunedBefore = cutoff
      }
    }
  }

  // ---- transitions ----------------------------------------------------------------------------------------------

  private apply(region: RegionState, t: Transition): void {
    switch (t.type) {
      case 'cluster-created': {
        const cluster = clusterByResourceId(region, t.cluster)
        if (!cluster || cluster.status !== 'creating') return
        moveCluster(cluster, 'available')
        this.saveCluster(region, cluster)
        this.emit(region, EVENTS.clusterCreated, cluster.id)
        return
      }
      case 'cluster-settled': {
        const cluster = clusterByResourceId(region, t.cluster)
        if (!cluster || (cluster.status !== 'modifying' && cluster.status !== 'renaming')) return
        if (t.engineVersion) {
          cluster.engineVersion = t.engineVersion
          delete cluster.pending.EngineVersion
        }
        moveCluster(cluster, 'available')
        this.saveCluster(region, cluster)
        return
      }
      case 'cluster-stopped': {
        const cluster = clusterByResourceId(region, t.cluster)
        if (!cluster || cluster.status !== 'stopping') return
        moveCluster(cluster, 'stopped')
        this.saveCluster(region, cluster)
        for (const instance of membersOf(region, cluster)) {
          if (instance.status !== 'stopping') continue
          moveInstance(instance, 'stopped')
          this.saveInstance(region, instance)
          this.emit(region, EVENTS.instanceStopped, instance.id)
        }
        this.emit(region, EVENTS.clusterStopped, cluster.id)
        return
      }
      case 'cluster-started': {
        const cluster = clusterByResourceId(region, t.cluster)
        if (!cluster || cluster.status !== 'starting') return
        moveCluster(cluster, 'available')
        this.saveCluster(region, cluster)
        for (const instance of membersOf(region, cluster)) {
          if (instance.status !== 'starting') continue
          moveInstance(instance, 'available')
          this.saveInstance(region, instance)
          this.emit(region, EVENTS.instanceStarted, instance.id)
        }
        this.emit(region, EVENTS.clusterStarted, cluster.id)
        return
      }
      case 'cluster-deleted': {
        const cluster = clusterByResourceId(region, t.cluster)
        if (!cluster || cluster.status !== 'deleting') return
        // Instances deleting alongside go with the cluster.
        for (const instance of membersOf(region, cluster)) {
          region.instances.delete(instance.id)
          this.saveInstance(region, instance, true)
          this.emit(region, EVENTS.instanceDeleted, instance.id)
        }
        region.clusters.delete(cluster.id)
        this.saveCluster(region, cluster, true)
        this.emit(region, EVENTS.clusterDeleted, cluster.id)
        return
      }
      case 'instance-created': {
        const instance = region.instances.get(t.instance)
        if (!instance || instance.status !== 'creating') return
        const cluster = region.clusters.get(instance.clusterId)
        moveInstance(instance, 'available')
        // The first instance to become available is the writer.
        if (cluster && !membersOf(region, cluster).some((i) => i.isWriter)) instance.isWriter = true
        this.saveInstance(region, instance)
        this.emit(region, EVENTS.instanceCreated, instance.id)
        return
      }
      case 'instance-class-applied': {
        const instance = region.instances.get(t.instance)
        if (!instance || instance.status !== 'modifying') return
        instance.instanceClass = t.instanceClass
        moveInstance(instance, 'available')
        this.saveInstance(region, instance)
        this.emit(region, EVENTS.instanceClassApplied, instance.id)
        return
      }
      case 'instance-rebooted': {
        const instance = region.instances.get(t.instance)
        if (!instance || instance.status !== 'rebooting') return
        moveInstance(instance, 'available')
        this.saveInstance(region, instance)
        this.emit(region, EVENTS.instanceRestarted, instance.id)
        return
      }
      case 'instance-deleted': {
        const instance = region.instances.get(t.instance)
        if (!instance || instance.status !== 'deleting') return
        region.instances.delete(instance.id)
        this.saveInstance(region, instance, true)
        const cluster = region.clusters.get(instance.clusterId)
        if (cluster) {
          cluster.members = cluster.members.filter((id) => id !== instance.id)
          this.saveCluster(region, cluster)
          // Deleting the writer promotes the best remaining replica, as Aurora does.
          if (instance.isWriter) {
            const next = bestFailoverTarget(membersOf(region, cluster), cluster.serverlessV2?.MaxCapacity)
            if (next) {
              next.isWriter = true
              this.saveInstance(region, next)
            }
          }
        }
        this.emit(region, EVENTS.instanceDeleted, instance.id)
        return
      }
      case 'failover-promote': {
        const cluster = clusterByResourceId(region, t.cluster)
        if (!cluster || cluster.status !== 'failing-over') return
        const target = region.instances.get(t.target)
        if (!target || target.clusterId !== cluster.id || target.status !== 'available') {
          moveCluster(cluster, 'available')
          this.saveCluster(region, cluster)
          this.emit(region, failoverFailed, cluster.id)
          return
        }
        const previous = membersOf(region, cluster).find((i) => i.isWriter)
        if (previous) {
          previous.isWriter = false
          // The demoted writer restarts as a reader.
          if (previous.status === 'available') moveInstance(previous, 'rebooting')
          this.saveInstance(region, previous)
        }
        target.isWriter = true
        this.saveInstance(region, target)
        this.schedule(region, this.timing.failoverComplete, {
          type: 'failover-complete', cluster: cluster.resourceId, target: target.id, previousWriter: previous?.id,
        })
        return
      }
      case 'failover-complete': {
        const cluster = clusterByResourceId(region, t.cluster)
        if (!cluster || cluster.status !== 'failing-over') return
        const previous = t.previousWriter ? region.instances.get(t.previousWriter) : undefined
        if (previous && previous.status === 'rebooting') {
          moveInstance(previous, 'available')
          this.saveInstance(region, previous)
        }
        moveCluster(cluster, 'available')
        this.saveCluster(region, cluster)
        this.emit(region, EVENTS.failoverCompleted, cluster.id, t.target)
        return
      }
      case 'snapshot-created': {
        const snapshot = region.snapshots.get(t.snapshot)
        if (!snapshot || snapshot.status !== 'creating') return
        snapshot.status = 'available'
        this.saveSnapshot(region, snapshot)
        this.emit(region, EVENTS.snapshotCreated, snapshot.id)
        return
      }
    }
  }

  // ---- clusters -------------------------------------------------------------------------------------------------

  createDBCluster(regionName: string, input: CreateDBClusterInput): ClusterView {
    return this.mutate(() => {
      const id = validateIdentifier('DBClusterIdentifier', input.DBClusterIdentifier)
      const version = resolveEngineVersion(input.Engine, input.EngineVersion)
      const engine = version.engine
      if (input.EngineMode !== undefined && input.EngineMode !== 'provisioned') {
        throw invalidParameterValue(`The engine mode ${input.EngineMode} you requested is currently unavailable.`)
      }
      if (input.MasterUsername === undefined || input.MasterUsername === '') {
        throw invalidParameterValue('The parameter MasterUsername must be provided and must not be blank.')
      }
      validateMasterUsername(engine, input.MasterUsername)
      validateMasterCredentialChoice(engine, input.MasterUserPassword, input.ManageMasterUserPassword, true)
      if (input.DatabaseName !== undefined && !/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(input.DatabaseName)) {
        throw invalidParameterValue(
          'The parameter DatabaseName is not a valid identifier. It must begin with a letter and contain only ASCII letters, digits and underscores (at most 63).',
        )
      }
      if (input.BackupRetentionPeriod !== undefined) validateBackupRetentionPeriod(input.BackupRetentionPeriod)
      if (input.BacktrackWindow !== undefined) validateBacktrackWindow(engine, input.BacktrackWindow)
      if (input.Port !== undefined) validatePort(input.Port)
      const serverlessV2 = input.ServerlessV2ScalingConfiguration
        ? validateServerlessV2(input.ServerlessV2ScalingConfiguration) : undefined
      if (input.PreferredBackupWindow !== undefined) validateBackupWindow(input.PreferredBackupWindow)
      if (input.PreferredMaintenanceWindow !== undefined) validateMaintenanceWindow(input.PreferredMaintenanceWindow)
      const zones = availabilityZones(regionName)
      for (const az of input.AvailabilityZones ?? []) {
        if (!zones.includes(az)) throw invalidParameterValue(`Invalid availability zone: ${az}`)
      }
      validateTags(input.Tags)
      const region = this.region(regionName)
      if (region.clusters.has(id)) throw dbClusterAlreadyExists()

      const cluster: Cluster = {
        id,
        resourceId: `cluster-${this.prng.fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 26)}`,
        status: 'creating',
        engine,
        engineVersion: version.version,
        port: input.Port ?? defaultPort(engine),
        masterUsername: input.MasterUsername,
        ...(input.MasterUserPassword !== undefined ? {masterUserPassword: input.MasterUserPassword} : {}),
        ...(input.ManageMasterUserPassword ? {masterUserSecretArn: this.secretArn(regionName)} : {}),
        ...(input.DatabaseName !== undefined ? {databaseName: input.DatabaseName} : {}),
        availabilityZones: zones,
        backupRetentionPeriod: input.BackupRetentionPeriod ?? 1,
        ...(engine === 'aurora-mysql' && input.BacktrackWindow !== undefined ? {backtrackWindow: input.BacktrackWindow} : {}),
        deletionProtection: input.DeletionProtection ?? false,
        ...(serverlessV2 ? {serverlessV2} : {}),
        storageEncrypted: input.StorageEncrypted ?? false,
        preferredBackupWindow: input.PreferredBackupWindow ?? this.randomBackupWindow(),
        preferredMaintenanceWindow: input.PreferredMaintenanceWindow?.toLowerCase() ?? this.randomMaintenanceWindow(),
        vpcSecurityGroupIds: input.VpcSecurityGroupIds ?? [],
        tags: input.Tags ?? [],
        createdAt: this.at,
        pending: {},
        members: [],
      }
      region.clusters.set(id, cluster)
      this.saveCluster(region, cluster)
      this.schedule(region, this.timing.clusterCreate, {type: 'cluster-created', cluster: cluster.resourceId})
      return () => this.clusterView(region, cluster)
    })
  }

  describeDBClusters(regionName: string, input: {DBClusterIdentifier?: string; Filters?: Filter[]} & Page): PageOf<ClusterView> {
    return this.run(() => {
      const maxRecords = validateMaxRecords(input.MaxRecords)
      const region = this.region(regionName)
      let clusters: Cluster[]
      if (input.DBClusterIdentifier !== undefined) {
        const cluster = region.clusters.get(stripArn(input.DBClusterIdentifier).toLowerCase())
        if (!cluster) throw dbClusterNotFound(input.DBClusterIdentifier)
        clusters = [cluster]
      } else {
        clusters = [...region.clusters.values()]
      }
      for (const filter of input.Filters ?? []) {
        const values = filter.Values
        switch (filter.Name) {
          case 'db-cluster-id':
            clusters = clusters.filter((c) => values.some((v) => stripArn(v).toLowerCase() === c.id))
            break
          case 'db-cluster-resource-id':
            clusters = clusters.filter((c) => values.includes(c.resourceId))
            break
          case 'engine':
            clusters = clusters.filter((c) => values.includes(c.engine))
            break
          default:
            throw invalidParameterValue(`Unrecognized filter name: ${filter.Name}.`)
        }
      }
      const page = paginate(clusters, (c) => c.id, maxRecords, input.Marker)
      return {items: page.items.map((c) => this.clusterView(region, c)), marker: page.marker}
    })
  }

  modifyDBCluster(regionName: string, input: ModifyDBClusterInput): ClusterView {
    return this.mutate(() => {
      const region = this.region(regionName)
      const cluster = this.findCluster(region, input.DBClusterIdentifier)
      requireClusterStatus(cluster, ['available'])
      const engine = cluster.engine
      if (input.BackupRetentionPeriod !== undefined) validateBackupRetentionPeriod(input.BackupRetentionPeriod)
      if (input.BacktrackWindow !== undefined) validateBacktrackWindow(engine, input.BacktrackWindow)
      if (input.Port !== undefined) validatePort(input.Port)
      if (input.PreferredBackupWindow !== undefined) validateBackupWindow(input.PreferredBackupWindow)
      if (input.PreferredMaintenanceWindow !== undefined) validateMaintenanceWindow(input.PreferredMaintenanceWindow)
      let serverlessV2: ServerlessV2Scaling | undefined
      if (input.ServerlessV2ScalingConfiguration) {
        const requested = input.ServerlessV2ScalingConfiguration
        serverlessV2 = validateServerlessV2({
          MinCapacity: requested.MinCapacity ?? cluster.serverlessV2?.MinCapacity,
          MaxCapacity: requested.MaxCapacity ?? cluster.serverlessV2?.MaxCapacity,
          SecondsUntilAutoPause: requested.SecondsUntilAutoPause,
        })
      }
      const targetVersion = input.EngineVersion !== undefined && input.EngineVersion !== cluster.engineVersion
        ? this.validateUpgrade(cluster, input.EngineVersion, input.AllowMajorVersionUpgrade ?? false) : undefined
      if (input.MasterUserPassword !== undefined || input.ManageMasterUserPassword !== undefined) {
        validateMasterCredentialChoice(engine, input.MasterUserPassword, input.ManageMasterUserPassword, false)
        if (input.ManageMasterUserPassword === false && cluster.masterUserSecretArn && input.MasterUserPassword === undefined) {
          throw invalidParameterCombination(
            'You must specify MasterUserPassword when you turn off ManageMasterUserPassword for the DB cluster.',
          )
        }
      }
      let newId: string | undefined
      if (input.NewDBClusterIdentifier !== undefined) {
        newId = validateIdentifier('NewDBClusterIdentifier', input.NewDBClusterIdentifier)
        if (newId === cluster.id) newId = undefined
        else if (region.clusters.has(newId)) throw dbClusterAlreadyExists()
      }

      const applyNow = input.ApplyImmediately ?? false
      if (input.BackupRetentionPeriod !== undefined) cluster.backupRetentionPeriod = input.BackupRetentionPeriod
      if (input.BacktrackWindow !== undefined) cluster.backtrackWindow = input.BacktrackWindow
      if (input.DeletionProtection !== undefined) cluster.deletionProtection = input.DeletionProtection
      if (serverlessV2) cluster.serverlessV2 = serverlessV2
      if (input.PreferredBackupWindow !== undefined) cluster.preferredBackupWindow = input.PreferredBackupWindow
      if (input.PreferredMaintenanceWindow !== undefined) cluster.preferredMaintenanceWindow = input.PreferredMaintenanceWindow.toLowerCase()
      let status: 'modifying' | 'renaming' | undefined
      if (input.Port !== undefined && input.Port !== cluster.port) {
        cluster.port = input.Port
        status = 'modifying'
      }
      // Password changes are applied as soon as possible regardless of ApplyImmediately.
      if (input.MasterUserPassword !== undefined) {
        cluster.masterUserPassword = input.MasterUserPassword
        status = 'modifying'
        this.emit(region, EVENTS.masterCredentialsReset, cluster.id)
      }
      if (input.ManageMasterUserPassword === true && !cluster.masterUserSecretArn) {
        cluster.masterUserSecretArn = this.secretArn(regionName)
        delete cluster.masterUserPassword
        status = 'modifying'
      } else if (input.ManageMasterUserPassword === false && cluster.masterUserSecretArn) {
        delete cluster.masterUserSecretArn
        status = 'modifying'
      }
      if (targetVersion) {
        cluster.pending.EngineVersion = targetVersion.version
        if (applyNow) status = 'modifying'
      }
      if (newId !== undefined) {
        if (applyNow) {
          this.renameCluster(region, cluster, newId)
          status = 'renaming'
        } else {
          cluster.pending.DBClusterIdentifier = newId
        }
      }
      if (status) {
        moveCluster(cluster, status)
        const delay = status === 'renaming' ? this.timing.clusterRename : this.timing.clusterModify
        this.schedule(region, delay, {
          type: 'cluster-settled', cluster: cluster.resourceId,
          ...(targetVersion && applyNow ? {engineVersion: targetVersion.version} : {}),
        })
      }
      this.saveCluster(region, cluster)
      return () => this.clusterView(region, cluster)
    })
  }

  deleteDBCluster(
    regionName: string,
    input: {DBClusterIdentifier: string; SkipFinalSnapshot?: boolean; FinalDBSnapshotIdentifier?: string},
  ): ClusterView {
    return this.mutate(() => {
      const region = this.region(regionName)
      const cluster = this.findCluster(region, input.DBClusterIdentifier)
      if (cluster.deletionProtection) {
        throw invalidParameterCombination('Cannot delete protected Cluster, please disable deletion protection and try again.')
      }
      requireClusterStatus(cluster, ['available', 'stopped'])
      if (membersOf(region, cluster).some((i) => i.status !== 'deleting')) {
        throw invalidDbClusterState('Cluster cannot be deleted, it still contains DB instances in non-deleting state.')
      }
      const skip = input.SkipFinalSnapshot ?? false
      let snapshotId: string | undefined
      if (skip && input.FinalDBSnapshotIdentifier !== undefined) {
        throw invalidParameterCombination('FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot set to true.')
      }
      if (!skip) {
        if (input.FinalDBSnapshotIdentifier === undefined) {
          throw invalidParameterCombination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.')
        }
        snapshotId = validateIdentifier('FinalDBSnapshotIdentifier', input.FinalDBSnapshotIdentifier)
        if (region.snapshots.has(snapshotId)) throw dbClusterSnapshotAlreadyExists(snapshotId)
      }

      if (snapshotId !== undefined) {
        const snapshot: ClusterSnapshot = {
          id: snapshotId, clusterId: cluster.id, clusterResourceId: cluster.resourceId, status: 'creating',
          snapshotType: 'manual', engine: cluster.engine, engineVersion: cluster.engineVersion, port: cluster.port,
          masterUsername: cluster.masterUsername, availabilityZones: cluster.availabilityZones,
          storageEncrypted: cluster.storageEncrypted, clusterCreatedAt: cluster.createdAt, createdAt: this.at,
        }
        region.snapshots.set(snapshotId, snapshot)
        this.saveSnapshot(region, snapshot)
        this.emit(region, EVENTS.snapshotCreating, snapshotId)
        this.schedule(region, this.timing.snapshotCreate, {type: 'snapshot-created', snapshot: snapshotId})
      }
      moveCluster(cluster, 'deleting')
      this.saveCluster(region, cluster)
      const view = this.clusterView(region, cluster)
      this.schedule(region, Math.max(this.timing.clusterDelete, snapshotId ? this.timing.snapshotCreate : 0), {
        type: 'cluster-deleted', cluster: cluster.resourceId,
      })
      return () => view
    })
  }

  stopDBCluster(regionName: string, input: {DBClusterIdentifier: string}): ClusterView {
    return this.mutate(() => {
      const region = this.region(regionName)
      const cluster = this.findCluster(region, input.DBClusterIdentifier)
      requireClusterStatus(cluster, ['available'])
      const members = membersOf(region, cluster)
      for (const instance of members) requireInstanceStatus(instance, ['available'])
      moveCluster(cluster, 'stopping')
      this.saveCluster(region, cluster)
      for (const instance of members) {
        moveInstance(instance, 'stopping')
        this.saveInstance(region, instance)
      }
      this.schedule(region, this.timing.clusterStop, {type: 'cluster-stopped', cluster: cluster.resourceId})
      return () => this.clusterView(region, cluster)
    })
  }

  startDBCluster(regionName: string, input: {DBClusterIdentifier: string}): ClusterView {
    return this.mutate(() => {
      const region = this.region(regionName)
      const cluster = this.findCluster(region, input.DBClusterIdentifier)
      requireClusterStatus(cluster, ['stopped'])
      moveCluster(cluster, 'starting')
      this.saveCluster(region, cluster)
      for (const instance of membersOf(region, cluster)) {
        if (instance.status !== 'stopped') continue
        moveInstance(instance, 'starting')
        this.saveInstance(region, instance)
      }
      this.schedule(region, this.timing.clusterStart, {type: 'cluster-started', cluster: cluster.resourceId})
      return () => this.clusterView(region, cluster)
    })
  }

  failoverDBCluster(regionName: string, input: {DBClusterIdentifier: string; TargetDBInstanceIdentifier?: string}): ClusterView {
    return this.mutate(() => {
      const region = this.region(regionName)
      const cluster = this.findCluster(region, input.DBClusterIdentifier)
      requireClusterStatus(cluster, ['available'])
      const members = membersOf(region, cluster)
      if (members.length < 2) {
        throw invalidDbClusterState(`Database cluster:${cluster.id} should have at least two database instances for failover`)
      }
      const writer = members.find((i) => i.isWriter)
      let target: Instance | undefined
      if (input.TargetDBInstanceIdentifier !== undefined) {
        const targetId = input.TargetDBInstanceIdentifier.toLowerCase()
        target = members.find((i) => i.id === targetId)
        if (!target) throw invalidParameterValue(`Cannot find target instance: ${input.TargetDBInstanceIdentifier}`)
        if (target.isWriter) {
          throw invalidParameterValue(`The target instance ${target.id} is already the writer of cluster ${cluster.id}.`)
        }
        if (target.status !== 'available') {
          throw invalidDbInstanceState(`Instance ${target.id} should be in valid state for failover.`)
        }
      } else {
        target = bestFailoverTarget(members, cluster.serverlessV2?.MaxCapacity)
        if (!target) {
          throw invalidDbClusterState(
            `Database cluster:${cluster.id} should have at least two database instances in valid states or a valid target instance for failover.`,
          )
        }
      }
      moveCluster(cluster, 'failing-over')
      this.saveCluster(region, cluster)
      const sameAz = writer !== undefined && writer.availabilityZone === target.availabilityZone
      this.emit(region, sameAz ? EVENTS.failoverStartedSameAz : EVENTS.failoverStartedCrossAz, cluster.id, target.id)
      this.schedule(region, this.timing.failoverPromote, {type: 'failover-promote', cluster: cluster.resourceId, target: target.id})
      return () => this.clusterView(region, cluster)
    })
  }

  describeDBClusterSnapshots(
    regionName: string,
    input: {DBClusterIdentifier?: string; DBClusterSnapshotIdentifier?: string; SnapshotType?: string; Filters?: Filter[]} & Page,
  ): PageOf<{region: string; snapshot: ClusterSnapshot}> {
    return this.run(() => {
      const maxRecords = validateMaxRecords(input.MaxRecords)
      const region = this.region(regionName)
      let snapshots = [...region.snapshots.values()]
      if (input.DBClusterSnapshotIdentifier !== undefined) {
        const found = region.snapshots.get(stripArn(input.DBClusterSnapshotIdentifier).toLowerCase())
        if (!found) throw dbClusterSnapshotNotFound(input.DBClusterSnapshotIdentifier)
        snapshots = [found]
      }
      if (input.DBClusterIdentifier !== undefined) {
        const clusterId = stripArn(input.DBClusterIdentifier).toLowerCase()
        snapshots = snapshots.filter((s) => s.clusterId === clusterId)
      }
      if (input.SnapshotType !== undefined) snapshots = snapshots.filter((s) => s.snapshotType === input.SnapshotType)
      for (const filter of input.Filters ?? []) {
        const values = filter.Values
        switch (filter.Name) {
          case 'db-cluster-id':
            snapshots = snapshots.filter((s) => values.some((v) => stripArn(v).toLowerCase() === s.clusterId))
            break
          case 'db-cluster-snapshot-id':
            snapshots = snapshots.filter((s) => values.some((v) => stripArn(v).toLowerCase() === s.id))
            break
          case 'snapshot-type':
            snapshots = snapshots.filter((s) => values.includes(s.snapshotType))
            break
          case 'engine':
            snapshots = snapshots.filter((s) => values.includes(s.engine))
            break
          default:
            throw invalidParameterValue(`Unrecognized filter name: ${filter.Name}.`)
        }
      }
      const page = paginate(snapshots, (s) => s.id, maxRecords, input.Marker)
      return {items: page.items.map((snapshot) => ({region: region.name, snapshot: structuredClone(snapshot)})), marker: page.marker}
    })
  }

  // ---- instances ------------------------------------------------------------------------------------------------

  createDBInstance(regionName: string, input: CreateDBInstanceInput): InstanceView {
    return this.mutate(() => {
      const id = validateIdentifier('DBInstanceIdentifier', input.DBInstanceIdentifier)
      resolveEngineVersion(input.Engine, undefined)
      if (input.DBClusterIdentifier === undefined) {
        throw invalidParameterValue('The parameter DBClusterIdentifier must be provided for Aurora DB instances.')
      }
      const region = this.region(regionName)
      const cluster = this.findCluster(region, input.DBClusterIdentifier)
      if (input.Engine !== cluster.engine) {
        throw invalidParameterCombination(
          `The engine name requested for your DB instance (${input.Engine}) doesn't match the engine name of your DB cluster (${cluster.engine}).`,
        )
      }
      if (input.EngineVersion !== undefined && input.EngineVersion !== cluster.engineVersion) {
        throw invalidParameterCombination(
          `The engine version requested for your DB instance (${input.EngineVersion}) doesn't match the engine version of your DB cluster (${cluster.engineVersion}).`,
        )
      }
      requireClusterStatus(cluster, ['creating', 'available', 'modifying'])
      this.validateInstanceClass(cluster, input.DBInstanceClass)
      if (input.PromotionTier !== undefined) validatePromotionTier(input.PromotionTier)
      const zones = availabilityZones(regionName)
      if (input.AvailabilityZone !== undefined && !zones.includes(input.AvailabilityZone)) {
        throw invalidParameterValue(`Invalid availability zone: ${input.AvailabilityZone}`)
      }
      validateTags(input.Tags)
      if (region.instances.has(id)) throw dbInstanceAlreadyExists()
      const members = membersOf(region, cluster)
      if (members.length >= MAX_INSTANCES_PER_CLUSTER) {
        throw instanceQuotaExceeded(
          `DB cluster ${cluster.id} already has ${members.length} DB instances; a cluster has at most one writer and 15 Aurora Replicas.`,
        )
      }

      const instance: Instance = {
        id,
        resourceId: `db-${this.prng.fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 26)}`,
        clusterId: cluster.id,
        status: 'creating',
        instanceClass: input.DBInstanceClass,
        availabilityZone: input.AvailabilityZone ?? leastPopulatedZone(zones, members),
        promotionTier: input.PromotionTier ?? 1,
        isWriter: false,
        createdAt: this.at,
        tags: input.Tags ?? [],
      }
      region.instances.set(id, instance)
      cluster.members.push(id)
      this.saveInstance(region, instance)
      this.saveCluster(region, cluster)
      this.schedule(region, this.timing.instanceCreate, {type: 'instance-created', instance: id})
      return () => this.instanceView(region, instance)
    })
  }

  describeDBInstances(regionName: string, input: {DBInstanceIdentifier?: string; Filters?: Filter[]} & Page): PageOf<InstanceView> {
    return this.run(() => {
      const maxRecords = validateMaxRecords(input.MaxRecords)
      const region = this.region(regionName)
      let instances: Instance[]
      if (input.DBInstanceIdentifier !== undefined) {
        const instance = region.instances.get(stripArn(input.DBInstanceIdentifier).toLowerCase())
        if (!instance) throw dbInstanceNotFound(input.DBInstanceIdentifier)
        instances = [instance]
      } else {
        instances = [...region.instances.values()]
      }
      for (const filter of input.Filters ?? []) {
        const values = filter.Values
        switch (filter.Name) {
          case 'db-cluster-id':
            instances = instances.filter((i) => values.some((v) => stripArn(v).toLowerCase() === i.clusterId))
            break
          case 'db-instance-id':
            instances = instances.filter((i) => values.some((v) => stripArn(v).toLowerCase() === i.id))
            break
          case 'dbi-resource-id':
            instances = instances.filter((i) => values.includes(i.resourceId))
            break
          case 'engine':
            instances = instances.filter((i) => values.includes(region.clusters.get(i.clusterId)?.engine ?? ''))
            break
          default:
            throw invalidParameterValue(`Unrecognized filter name: ${filter.Name}.`)
        }
      }
      const page = paginate(instances, (i) => i.id, maxRecords, input.Marker)
      return {items: page.items.map((i) => this.instanceView(region, i)), marker: page.marker}
    })
  }

  modifyDBInstance(regionName: string, input: ModifyDBInstanceInput): InstanceView {
    return this.mutate(() => {
      const region = this.region(regionName)
      const instance = this.findInstance(region, input.DBInstanceIdentifier)
      requireInstanceStatus(instance, ['available'])
      const cluster = region.clusters.get(instance.clusterId) as Cluster
      const newClass = input.DBInstanceClass !== undefined && input.DBInstanceClass !== instance.instanceClass
        ? input.DBInstanceClass : undefined
      if (newClass !== undefined) this.validateInstanceClass(cluster, newClass)
      if (input.PromotionTier !== undefined) validatePromotionTier(input.PromotionTier)

      // A tier change takes effect at once and never fails over.
      if (input.PromotionTier !== undefined) instance.promotionTier = input.PromotionTier
      if (newClass !== undefined) {
        if (input.ApplyImmediately) {
          delete instance.pendingInstanceClass
          moveInstance(instance, 'modifying')
          this.emit(region, EVENTS.instanceClassApplying, instance.id)
          this.schedule(region, this.timing.instanceModifyClass, {type: 'instance-class-applied', instance: instance.id, instanceClass: newClass})
        } else {
          // Without ApplyImmediately a class change waits for the maintenance window.
          instance.pendingInstanceClass = newClass
        }
      }
      this.saveInstance(region, instance)
      return () => this.instanceView(region, instance)
    })
  }

  deleteDBInstance(regionName: string, input: {DBInstanceIdentifier: string}): InstanceView {
    return this.mutate(() => {
      const region = this.region(regionName)
      const instance = this.findInstance(region, input.DBInstanceIdentifier)
      requireInstanceStatus(instance, ['available', 'stopped'])
      moveInstance(instance, 'deleting')
      this.saveInstance(region, instance)
      const view = this.instanceView(region, instance)
      this.schedule(region, this.timing.instanceDelete, {type: 'instance-deleted', instance: instance.id})
      return () => view
    })
  }

  rebootDBInstance(regionName: string, input: {DBInstanceIdentifier: string}): InstanceView {
    return this.mutate(() => {
      const region = this.region(regionName)
      const instance = this.findInstance(region, input.DBInstanceIdentifier)
      requireInstanceStatus(instance, ['available'])
      moveInstance(instance, 'rebooting')
      this.saveInstance(region, instance)
      this.schedule(region, this.timing.instanceReboot, {type: 'instance-rebooted', instance: instance.id})
      return () => this.instanceView(region, instance)
    })
  }

  // ---- events and engine versions -------------------------------------------------------------------------------

  describeEvents(regionName: string, input: DescribeEventsInput): PageOf<RdsEvent & {region: string}> {
    return this.run(() => {
      const maxRecords = validateMaxRecords(input.MaxRecords)
      if (input.SourceType !== undefined && !(EVENT_SOURCE_TYPES as readonly string[]).includes(input.SourceType)) {
        throw invalidParameterValue(
          `Value ${input.SourceType} for parameter SourceType is invalid. Valid values are: ${EVENT_SOURCE_TYPES.join(', ')}.`,
        )
      }
      if (input.SourceIdentifier !== undefined && input.SourceType === undefined) {
        throw invalidParameterCombination('Cannot specify SourceIdentifier without specifying SourceType.')
      }
      if (input.Duration !== undefined && (!Number.isInteger(input.Duration) || input.Duration < 0)) {
        throw invalidParameterValue(`Invalid value ${input.Duration} for Duration.`)
      }
      const now = this.clock.now()
      const end = input.EndTime?.getTime() ?? now
      const start = input.StartTime?.getTime() ??
        (input.Duration !== undefined ? end - input.Duration * 60_000 : (input.EndTime ? end - 3_600_000 : now - 3_600_000))
      if (start > end) throw invalidParameterCombination('StartTime must be before EndTime.')
      const region = this.region(regionName)
      const sourceId = input.SourceIdentifier?.toLowerCase()
      const categories = input.EventCategories?.map((c) => c.toLowerCase())
      const events = region.events.filter((e) =>
        e.at >= start && e.at <= end &&
        (input.SourceType === undefined || e.sourceType === input.SourceType) &&
        (sourceId === undefined || e.sourceId === sourceId) &&
        (categories === undefined || categories.length === 0 || e.categories.some((c) => categories.includes(c))))
      const page = paginate(events, (e) => String(e.seq).padStart(12, '0'), maxRecords, input.Marker)
      return {
        items: page.items.map(({seq: _seq, ...event}) => ({...event, region: region.name})),
        marker: page.marker,
      }
    })
  }

  describeDBEngineVersions(
    input: {Engine?: string; EngineVersion?: string; DBParameterGroupFamily?: string; DefaultOnly?: boolean} & Page,
  ): PageOf<EngineVersionInfo & {validUpgradeTargets: EngineVersionInfo[]}> {
    const maxRecords = validateMaxRecords(input.MaxRecords)
    let versions = engineVersions(input.Engine)
    if (input.EngineVersion !== undefined) versions = versions.filter((v) => v.version === input.EngineVersion)
    if (input.DBParameterGroupFamily !== undefined) {
      versions = versions.filter((v) => v.parameterGroupFamily === input.DBParameterGroupFamily)
    }
    if (input.DefaultOnly) versions = versions.filter((v) => v === engineVersions(v.engine)[0])
    const page = paginate(versions, (v) => `${v.engine}/${v.version}`, maxRecords, input.Marker)
    return {
      items: page.items.map((v) => ({
        ...v,
        validUpgradeTargets: engineVersions(v.engine).filter((t) => compareVersions(t.version, v.version) > 0).reverse(),
      })),
      marker: page.marker,
    }
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  private findCluster(region: RegionState, identifier: string): Cluster {
    const cluster = region.clusters.get(stripArn(identifier).toLowerCase())
    if (!cluster) throw dbClusterNotFound(identifier)
    return cluster
  }

  private findInstance(region: RegionState, identifier: string): Instance {
    const instance = region.instances.get(stripArn(identifier).toLowerCase())
    if (!instance) throw dbInstanceNotFound(identifier)
    return instance
  }

  private validateInstanceClass(cluster: Cluster, instanceClass: string): void {
    if (!isKnownInstanceClass(instanceClass)) {
      throw invalidParameterCombination(
        `RDS does not support creating a DB instance with the following combination: DBInstanceClass=${instanceClass}, ` +
          `Engine=${cluster.engine}, EngineVersion=${cluster.engineVersion}, LicenseModel=${licenseModel(cluster.engine)}. ` +
          'For supported combinations of instance class and database engine version, see the documentation.',
      )
    }
    if (instanceClass === SERVERLESS_CLASS && !cluster.serverlessV2) {
      throw invalidDbClusterState(
        'Set the Serverless v2 scaling configuration on the parent DB cluster before creating a Serverless v2 DB instance.',
      )
    }
  }

  private validateUpgrade(cluster: Cluster, version: string, allowMajor: boolean): EngineVersionInfo {
    const target = resolveEngineVersion(cluster.engine, version)
    const current = resolveEngineVersion(cluster.engine, cluster.engineVersion)
    if (compareVersions(target.version, current.version) < 0) {
      throw invalidParameterCombination(`Cannot upgrade ${cluster.engine} from ${current.version} to ${target.version}`)
    }
    if (target.major !== current.major && !allowMajor) {
      throw invalidParameterCombination('The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.')
    }
    return target
  }

  private renameCluster(region: RegionState, cluster: Cluster, newId: string): void {
    region.clusters.delete(cluster.id)
    cluster.id = newId
    delete cluster.pending.DBClusterIdentifier
    region.clusters.set(newId, cluster)
    for (const instanceId of cluster.members) {
      const instance = region.instances.get(instanceId)
      if (!instance) continue
      instance.clusterId = newId
      this.saveInstance(region, instance)
    }
  }

  private secretArn(region: string): string {
    return `arn:aws:secretsmanager:${region}:000000000000:secret:rds!cluster-${this.prng.uuid()}-${this.prng.fromAlphabet('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 6)}`
  }

  /** AWS assigns a random 30-minute backup window when none is given. */
  private randomBackupWindow(): string {
    const start = this.prng.int(48) * 30
    const end = (start + 30) % 1440
    return `${hhmm(start)}-${hhmm(end)}`
  }

  private randomMaintenanceWindow(): string {
    const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
    const day = this.prng.int(7)
    const start = this.prng.int(48) * 30
    const endMinutes = start + 30
    const endDay = endMinutes >= 1440 ? (day + 1) % 7 : day
    return `${days[day]}:${hhmm(start)}-${days[endDay]}:${hhmm(endMinutes % 1440)}`
  }

  private clusterView(region: RegionState, cluster: Cluster): ClusterView {
    return {
      region: region.name, endpointHash: region.endpointHash, cluster: structuredClone(cluster),
      members: structuredClone(membersOf(region, cluster)),
    }
  }

  private instanceView(region: RegionState, instance: Instance): InstanceView {
    return {
      region: region.name, endpointHash: region.endpointHash, instance: structuredClone(instance),
      cluster: structuredClone(region.clusters.get(instance.clusterId) as Cluster),
    }
  }
}

const failoverFailed: EventTemplate = {
  id: 'RDS-EVENT-0069', sourceType: 'db-cluster' satisfies EventSourceType, category: 'failover',
  message: () => 'Cluster failover failed, check the health of your cluster instances and try again',
}

function emptyRegion(name: string, endpointHash: string): RegionState {
  return {name, endpointHash, clusters: new Map(), instances: new Map(), snapshots: new Map(), events: []}
}

function clusterByResourceId(region: RegionState, resourceId: string): Cluster | undefined {
  for (const cluster of region.clusters.values()) if (cluster.resourceId === resourceId) return cluster
  return undefined
}

function membersOf(region: RegionState, cluster: Cluster): Instance[] {
  return cluster.members.map((id) => region.instances.get(id)).filter((i): i is Instance => i !== undefined)
}

/** Aurora's choice of a new writer: available replicas, lowest promotion tier, then largest class, then any. */
export function bestFailoverTarget(candidates: Instance[], serverlessMaxAcu = 0): Instance | undefined {
  const memory = (i: Instance) =>
    i.instanceClass === SERVERLESS_CLASS ? serverlessMaxAcu * 2 : instanceClassMemoryGiB(i.instanceClass) ?? 0
  return candidates
    .filter((i) => i.status === 'available' && !i.isWriter)
    .sort((a, b) => a.promotionTier - b.promotionTier || memory(b) - memory(a) || a.id.localeCompare(b.id))[0]
}

function leastPopulatedZone(zones: string[], members: Instance[]): string {
  const counts = zones.map((z) => members.filter((i) => i.availabilityZone === z).length)
  return zones[counts.indexOf(Math.min(...counts))]
}

function validateMasterCredentialChoice(
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

function validateTags(tags: Tag[] | undefined): void {
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

export function validateMaxRecords(maxRecords: number | undefined): number {
  if (maxRecords === undefined) return 100
  if (!Number.isInteger(maxRecords) || maxRecords < 20 || maxRecords > 100) {
    throw invalidParameterValue(`Invalid value ${maxRecords} for MaxRecords. Must be between 20 and 100`)
  }
  return maxRecords
}

/** Pages by a sort key; the marker is the key of the first item of the next page, so deletions never skip items. */
function paginate<T>(items: T[], key: (item: T) => string, maxRecords: number, marker: string | undefined): PageOf<T> {
  const keyed = items.map((item) => ({item, k: key(item)}))
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
  const start = marker === undefined ? 0 : keyed.findIndex((x) => x.k >= marker)
  if (start < 0) return {items: []}
  const slice = keyed.slice(start, start + maxRecords)
  const next = keyed[start + maxRecords]
  return {items: slice.map((x) => x.item), ...(next ? {marker: next.k} : {})}
}

/** Identifiers may be given as ARNs (`arn:aws:rds:region:account:cluster:id`). */
function stripArn(identifier: string): string {
  return identifier.startsWith('arn:') ? identifier.slice(identifier.lastIndexOf(':') + 1) : identifier
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}
