import {newClusterResourceId, randomBackupWindow, randomMaintenanceWindow} from './clusters.js'
import {compareVersions, resolveEngineVersion, type AuroraEngine} from './engines.js'
import {
  dbClusterAlreadyExists, invalidDbClusterSnapshotState, invalidDbClusterState, invalidParameterCombination, invalidParameterValue,
  invalidRestore,
} from './faults.js'
import {requireClusterStatus, type Cluster, type Tag} from './model.js'
import {clusterByResourceId, findCluster, type RegionState} from './regions.js'
import {findSnapshot, oldestAutomatedSnapshot} from './snapshots.js'
import type {ControlState} from './state.js'
import {
  validateBackupRetentionPeriod, validateBacktrackWindow, validateBackupWindow, validateIdentifier, validatePort,
  validateServerlessV2, validateTags,
} from './validation.js'
import {clusterView, type ClusterView} from './views.js'

// Restores create a new cluster, with no instances, whose volume is made from another volume: a copy-on-write clone
// or a full copy of a cluster's volume as of a time, or a clone of a snapshot's volume. The new cluster keeps the
// source's engine, master user and password.

/** Copy-on-write clones of one source at a time; the next is a full copy (AURORA_FACTS §10). */
export const MAX_COPY_ON_WRITE_CLONES = 15

export type RestoreType = 'full-copy' | 'copy-on-write'

interface RestoreOptions {
  Port?: number
  VpcSecurityGroupIds?: string[]
  Tags?: Tag[]
  BacktrackWindow?: number
  DeletionProtection?: boolean
  ServerlessV2ScalingConfiguration?: {MinCapacity?: number; MaxCapacity?: number; SecondsUntilAutoPause?: number}
  BackupRetentionPeriod?: number
  PreferredBackupWindow?: string
  EngineMode?: string
}

export interface RestoreDBClusterToPointInTimeInput extends RestoreOptions {
  DBClusterIdentifier: string
  SourceDBClusterIdentifier?: string
  SourceDbClusterResourceId?: string
  RestoreType?: string
  RestoreToTime?: Date
  UseLatestRestorableTime?: boolean
}

export interface RestoreDBClusterFromSnapshotInput extends RestoreOptions {
  DBClusterIdentifier: string
  SnapshotIdentifier: string
  Engine: string
  EngineVersion?: string
  DatabaseName?: string
  AvailabilityZones?: string[]
}

/**
 * The times a cluster can be restored to: from its oldest automated snapshot (the image its continuous backup
 * rebuilds from; they expire with the retention period) up to now. None before the first automated backup.
 */
export function restorableWindow(region: RegionState, cluster: Cluster, now: number): {earliest: number; latest: number} | undefined {
  const base = oldestAutomatedSnapshot(region, cluster)
  return base ? {earliest: base.createdAt, latest: now} : undefined
}

/** What a restored cluster inherits from its source, a cluster or a snapshot. */
type RestoreSource = Pick<
  Cluster,
  'engine' | 'engineVersion' | 'port' | 'masterUsername' | 'masterUserPassword' | 'databaseName' | 'availabilityZones' |
  'storageEncrypted' | 'backupRetentionPeriod' | 'preferredBackupWindow'
>

function validateOptions(engine: AuroraEngine, input: RestoreOptions): void {
  if (input.EngineMode !== undefined && input.EngineMode !== 'provisioned') {
    throw invalidParameterValue(`The engine mode ${input.EngineMode} you requested is currently unavailable.`)
  }
  if (input.Port !== undefined) validatePort(input.Port)
  if (input.BacktrackWindow !== undefined) validateBacktrackWindow(engine, input.BacktrackWindow)
  if (input.BackupRetentionPeriod !== undefined) validateBackupRetentionPeriod(input.BackupRetentionPeriod)
  if (input.PreferredBackupWindow !== undefined) validateBackupWindow(input.PreferredBackupWindow)
  validateTags(input.Tags)
}

/** The new cluster, not yet added (so a refused Serverless v2 range still changes nothing). */
function restoredCluster(state: ControlState, id: string, source: RestoreSource, input: RestoreOptions, serverlessV2?: Cluster['serverlessV2']): Cluster {
  const scaling = input.ServerlessV2ScalingConfiguration ? validateServerlessV2(input.ServerlessV2ScalingConfiguration) : serverlessV2
  return {
    id,
    resourceId: newClusterResourceId(state.prng),
    status: 'creating',
    engine: source.engine,
    engineVersion: source.engineVersion,
    port: input.Port ?? source.port,
    masterUsername: source.masterUsername,
    ...(source.masterUserPassword !== undefined ? {masterUserPassword: source.masterUserPassword} : {}),
    ...(source.databaseName !== undefined ? {databaseName: source.databaseName} : {}),
    availabilityZones: source.availabilityZones,
    backupRetentionPeriod: input.BackupRetentionPeriod ?? source.backupRetentionPeriod,
    ...(source.engine === 'aurora-mysql' && input.BacktrackWindow !== undefined ? {backtrackWindow: input.BacktrackWindow} : {}),
    deletionProtection: input.DeletionProtection ?? false,
    ...(scaling ? {serverlessV2: scaling} : {}),
    storageEncrypted: source.storageEncrypted,
    preferredBackupWindow: input.PreferredBackupWindow ?? source.preferredBackupWindow ?? randomBackupWindow(state.prng),
    preferredMaintenanceWindow: randomMaintenanceWindow(state.prng),
    vpcSecurityGroupIds: input.VpcSecurityGroupIds ?? [],
    tags: input.Tags ?? [],
    createdAt: state.at,
    pending: {},
    members: [],
  }
}

function addRestoredCluster(state: ControlState, region: RegionState, cluster: Cluster): () => ClusterView {
  region.clusters.set(cluster.id, cluster)
  state.saveCluster(region, cluster)
  state.schedule(region, state.timing.clusterCreate, {type: 'cluster-created', cluster: cluster.resourceId})
  return () => clusterView(region, cluster, state.now)
}

export function restoreDBClusterToPointInTime(
  state: ControlState, regionName: string, input: RestoreDBClusterToPointInTimeInput,
): () => ClusterView {
  const id = validateIdentifier('DBClusterIdentifier', input.DBClusterIdentifier)
  const region = state.region(regionName)
  let source: Cluster
  if (input.SourceDBClusterIdentifier !== undefined) source = findCluster(region, input.SourceDBClusterIdentifier)
  else if (input.SourceDbClusterResourceId !== undefined) {
    const found = clusterByResourceId(region, input.SourceDbClusterResourceId)
    if (!found) throw invalidRestore(`No DB cluster or retained automated backup has the resource id ${input.SourceDbClusterResourceId}.`)
    source = found
  } else {
    throw invalidParameterCombination('Either SourceDBClusterIdentifier or SourceDbClusterResourceId must be specified.')
  }
  const requested = input.RestoreType ?? 'full-copy'
  if (requested !== 'full-copy' && requested !== 'copy-on-write') {
    throw invalidParameterValue(`Invalid RestoreType ${requested}. Valid values are full-copy and copy-on-write.`)
  }
  if (input.RestoreToTime !== undefined && input.UseLatestRestorableTime) {
    throw invalidParameterCombination('RestoreToTime and UseLatestRestorableTime cannot both be specified.')
  }
  if (input.RestoreToTime === undefined && !input.UseLatestRestorableTime) {
    throw invalidParameterCombination('Either RestoreToTime or UseLatestRestorableTime must be specified.')
  }
  if (input.RestoreToTime !== undefined && requested === 'copy-on-write') {
    throw invalidParameterCombination('RestoreToTime cannot be specified when RestoreType is copy-on-write: a clone is made at the latest restorable time.')
  }
  validateOptions(source.engine, input)
  if (region.clusters.has(id)) throw dbClusterAlreadyExists()
  requireClusterStatus(source, ['available', 'stopped'])
  if (requested === 'copy-on-write' && source.members.length === 0) {
    throw invalidDbClusterState(`DB cluster ${source.id} has no DB instances; a copy-on-write clone needs a source with at least one.`)
  }
  const window = restorableWindow(region, source, state.now)
  if (!window) throw invalidRestore(`DB cluster ${source.id} has no automated backup yet; it can be restored once its first backup completes.`)
  const time = input.RestoreToTime?.getTime() ?? window.latest
  if (time < window.earliest || time > window.latest) {
    throw invalidRestore(`Cannot restore ${source.id} to ${new Date(time).toISOString()}: the time is outside its restorable window.`)
  }

  const clones = [...region.clusters.values()].filter((c) => c.cloneOf === source.resourceId).length
  const type: RestoreType = requested === 'copy-on-write' && clones < MAX_COPY_ON_WRITE_CLONES ? 'copy-on-write' : 'full-copy'
  const cluster = restoredCluster(state, id, source, input, source.serverlessV2)
  const lsn = state.volumes.lsnAt(region.name, source.resourceId, time, source.backtrackedAt)
  if (type === 'copy-on-write') {
    if (!source.cloneGroupId) {
      source.cloneGroupId = state.prng.uuid()
      state.saveCluster(region, source)
    }
    cluster.cloneGroupId = source.cloneGroupId
    cluster.cloneOf = source.resourceId
    state.volumes.clone(region.name, source.resourceId, lsn, cluster.resourceId)
  } else {
    state.volumes.copy(region.name, source.resourceId, lsn, cluster.resourceId)
  }
  return addRestoredCluster(state, region, cluster)
}

export function restoreDBClusterFromSnapshot(
  state: ControlState, regionName: string, input: RestoreDBClusterFromSnapshotInput,
): () => ClusterView {
  const id = validateIdentifier('DBClusterIdentifier', input.DBClusterIdentifier)
  const region = state.region(regionName)
  const snapshot = findSnapshot(region, input.SnapshotIdentifier)
  const engine = resolveEngineVersion(input.Engine, input.EngineVersion ?? snapshot.engineVersion)
  if (engine.engine !== snapshot.engine) {
    throw invalidParameterCombination(
      `The engine name requested for your DB cluster (${input.Engine}) doesn't match the engine name of the snapshot (${snapshot.engine}).`,
    )
  }
  if (compareVersions(engine.version, snapshot.engineVersion) < 0) {
    throw invalidParameterCombination(`Cannot restore a ${snapshot.engineVersion} snapshot to the older version ${engine.version}.`)
  }
  validateOptions(snapshot.engine, input)
  if (input.DatabaseName !== undefined) {
    throw invalidParameterCombination('DatabaseName cannot be changed when restoring a snapshot: the restored cluster keeps the snapshot\'s databases.')
  }
  for (const az of input.AvailabilityZones ?? []) {
    if (!snapshot.availabilityZones.includes(az)) throw invalidParameterValue(`Invalid availability zone: ${az}`)
  }
  if (snapshot.status !== 'available') {
    throw invalidDbClusterSnapshotState(`Snapshot ${snapshot.id} is in ${snapshot.status} state; it can be restored once it is available.`)
  }
  if (region.clusters.has(id)) throw dbClusterAlreadyExists()
  const cluster = restoredCluster(state, id, {...snapshot, engineVersion: engine.version}, input)
  const lsn = state.volumes.lsnAt(region.name, snapshot.resourceId, state.at)
  state.volumes.clone(region.name, snapshot.resourceId, lsn, cluster.resourceId)
  return addRestoredCluster(state, region, cluster)
}
