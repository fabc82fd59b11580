import {EVENTS} from './events.js'
import {
  dbClusterSnapshotAlreadyExists, dbClusterSnapshotNotFound, invalidDbClusterSnapshotState, invalidParameterValue,
  snapshotQuotaExceeded,
} from './faults.js'
import {clusterSnapshotArn, requireClusterStatus, type Cluster, type ClusterSnapshot, type SnapshotStatus, type Tag} from './model.js'
import {paginate, stripArn, validateMaxRecords, type Filter, type Page, type PageOf} from './paging.js'
import {clusterByResourceId, findCluster, type RegionState} from './regions.js'
import type {ControlState} from './state.js'
import {validateIdentifier, validateTags} from './validation.js'

// Cluster snapshots, manual and automated. A snapshot owns a volume: a copy-on-write image of its cluster's volume
// at one consistent point, so it costs nothing to take, outlives its cluster and restores by cloning.

export const DAY_MS = 86_400_000
/** Manual cluster snapshots per Region (AURORA_FACTS §9). */
export const MANUAL_SNAPSHOT_QUOTA = 100

export interface SnapshotView {
  region: string
  snapshot: ClusterSnapshot
}

function view(region: RegionState, snapshot: ClusterSnapshot): SnapshotView {
  return {region: region.name, snapshot: structuredClone(snapshot)}
}

export function findSnapshot(region: RegionState, identifier: string): ClusterSnapshot {
  const snapshot = region.snapshots.get(stripArn(identifier).toLowerCase())
  if (!snapshot) throw dbClusterSnapshotNotFound(identifier)
  return snapshot
}

function newSnapshotResourceId(state: ControlState): string {
  return `snapshot-${state.prng.fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 26)}`
}

function requireManualQuota(region: RegionState): void {
  let manual = 0
  for (const s of region.snapshots.values()) if (s.snapshotType === 'manual') manual++
  if (manual >= MANUAL_SNAPSHOT_QUOTA) throw snapshotQuotaExceeded()
}

/** Records a snapshot of `cluster` as it is at `state.at`, and gives it its copy-on-write volume. */
export function takeSnapshot(
  state: ControlState, region: RegionState, cluster: Cluster, id: string, type: ClusterSnapshot['snapshotType'], status: SnapshotStatus,
  tags: Tag[] = [],
): ClusterSnapshot {
  // A request snapshots the volume as it is (commits made during the request, such as a restore's copy, included);
  // a backup that came due while the clock jumped snapshots it as it was then.
  const time = state.at >= state.now ? Number.POSITIVE_INFINITY : state.at
  const lsn = state.volumes.lsnAt(region.name, cluster.resourceId, time, cluster.backtrackedAt)
  const snapshot: ClusterSnapshot = {
    id, resourceId: newSnapshotResourceId(state), clusterId: cluster.id, clusterResourceId: cluster.resourceId, status,
    snapshotType: type, engine: cluster.engine, engineVersion: cluster.engineVersion, port: cluster.port,
    masterUsername: cluster.masterUsername,
    ...(cluster.masterUserPassword !== undefined ? {masterUserPassword: cluster.masterUserPassword} : {}),
    ...(cluster.databaseName !== undefined ? {databaseName: cluster.databaseName} : {}),
    availabilityZones: cluster.availabilityZones, storageEncrypted: cluster.storageEncrypted,
    backupRetentionPeriod: cluster.backupRetentionPeriod, preferredBackupWindow: cluster.preferredBackupWindow,
    clusterCreatedAt: cluster.createdAt, createdAt: state.at, lsn, tags,
  }
  state.volumes.clone(region.name, cluster.resourceId, lsn, snapshot.resourceId)
  region.snapshots.set(id, snapshot)
  state.saveSnapshot(region, snapshot)
  return snapshot
}

/** The final snapshot DeleteDBCluster takes (its identifier already validated and free). */
export function takeFinalSnapshot(state: ControlState, region: RegionState, cluster: Cluster, id: string): void {
  requireManualQuota(region)
  takeSnapshot(state, region, cluster, id, 'manual', 'creating')
  state.emit(region, EVENTS.snapshotCreating, id)
  state.schedule(region, state.timing.snapshotCreate, {type: 'snapshot-created', snapshot: id})
}

export function createDBClusterSnapshot(
  state: ControlState, regionName: string, input: {DBClusterSnapshotIdentifier: string; DBClusterIdentifier: string; Tags?: Tag[]},
): () => SnapshotView {
  const id = validateIdentifier('DBClusterSnapshotIdentifier', input.DBClusterSnapshotIdentifier)
  validateTags(input.Tags)
  const region = state.region(regionName)
  const cluster = findCluster(region, input.DBClusterIdentifier)
  requireClusterStatus(cluster, ['available'])
  if (region.snapshots.has(id)) throw dbClusterSnapshotAlreadyExists(id)
  requireManualQuota(region)
  const snapshot = takeSnapshot(state, region, cluster, id, 'manual', 'creating', input.Tags ?? [])
  state.emit(region, EVENTS.snapshotCreating, id)
  state.schedule(region, state.timing.snapshotCreate, {type: 'snapshot-created', snapshot: id})
  return () => view(region, snapshot)
}

export function deleteDBClusterSnapshot(state: ControlState, regionName: string, input: {DBClusterSnapshotIdentifier: string}): () => SnapshotView {
  const region = state.region(regionName)
  const snapshot = findSnapshot(region, input.DBClusterSnapshotIdentifier)
  if (snapshot.snapshotType === 'automated') {
    throw invalidDbClusterSnapshotState(
      `Automated snapshot ${snapshot.id} cannot be deleted: it expires with the backup retention period of ${snapshot.clusterId}, or copy it to keep it.`,
    )
  }
  if (snapshot.status !== 'available') {
    throw invalidDbClusterSnapshotState(`Cannot delete the snapshot ${snapshot.id} because it is in ${snapshot.status} state.`)
  }
  const reply = view(region, snapshot)
  region.snapshots.delete(snapshot.id)
  state.saveSnapshot(region, snapshot, true)
  return () => reply
}

export function copyDBClusterSnapshot(
  state: ControlState,
  regionName: string,
  input: {SourceDBClusterSnapshotIdentifier: string; TargetDBClusterSnapshotIdentifier: string; CopyTags?: boolean; Tags?: Tag[]},
): () => SnapshotView {
  const region = state.region(regionName)
  const sourceRegion = input.SourceDBClusterSnapshotIdentifier.startsWith('arn:')
    ? input.SourceDBClusterSnapshotIdentifier.split(':')[3] : regionName
  if (sourceRegion !== regionName) {
    throw invalidParameterValue(`Copying a snapshot from another Region (${sourceRegion}) is not supported by the local emulator.`)
  }
  const source = findSnapshot(region, input.SourceDBClusterSnapshotIdentifier)
  const id = validateIdentifier('TargetDBClusterSnapshotIdentifier', input.TargetDBClusterSnapshotIdentifier)
  validateTags(input.Tags)
  if (source.status !== 'available') {
    throw invalidDbClusterSnapshotState(`Snapshot ${source.id} is in ${source.status} state and cannot be copied until it is available.`)
  }
  if (region.snapshots.has(id)) throw dbClusterSnapshotAlreadyExists(id)
  requireManualQuota(region)
  const lsn = state.volumes.lsnAt(region.name, source.resourceId, state.at)
  const copy: ClusterSnapshot = {
    ...structuredClone(source), id, resourceId: newSnapshotResourceId(state), status: 'copying', snapshotType: 'manual',
    createdAt: state.at, sourceSnapshotArn: clusterSnapshotArn(region.name, source.id),
    tags: [...(input.CopyTags ? source.tags : []), ...(input.Tags ?? [])],
  }
  state.volumes.clone(region.name, source.resourceId, lsn, copy.resourceId)
  region.snapshots.set(id, copy)
  state.saveSnapshot(region, copy)
  state.schedule(region, state.timing.snapshotCreate, {type: 'snapshot-created', snapshot: id})
  return () => view(region, copy)
}

export function describeDBClusterSnapshots(
  state: ControlState,
  regionName: string,
  input: {DBClusterIdentifier?: string; DBClusterSnapshotIdentifier?: string; SnapshotType?: string; Filters?: Filter[]} & Page,
): PageOf<SnapshotView> {
  const maxRecords = validateMaxRecords(input.MaxRecords)
  if (input.SnapshotType !== undefined && !['automated', 'manual', 'shared', 'public', 'awsbackup'].includes(input.SnapshotType)) {
    throw invalidParameterValue(`Invalid snapshot type ${input.SnapshotType}. Valid values are automated, manual, shared, public and awsbackup.`)
  }
  const region = state.region(regionName)
  let snapshots = [...region.snapshots.values()]
  if (input.DBClusterSnapshotIdentifier !== undefined) snapshots = [findSnapshot(region, input.DBClusterSnapshotIdentifier)]
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
  return {items: page.items.map((s) => view(region, s)), marker: page.marker}
}

/** `rds:<cluster>-yyyy-mm-dd-hh-mm`, AWS's name for an automated cluster snapshot. */
function automatedSnapshotId(clusterId: string, at: number): string {
  const iso = new Date(at).toISOString()
  return `rds:${clusterId}-${iso.slice(0, 10)}-${iso.slice(11, 13)}-${iso.slice(14, 16)}`
}

/** The start of the next daily backup window (`hh:mm-hh:mm`, UTC) strictly after `after`. */
export function nextBackupWindow(window: string, after: number): number {
  const [hours, minutes] = window.slice(0, 5).split(':').map(Number)
  const day = new Date(after)
  let next = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours, minutes)
  while (next <= after) next += DAY_MS
  return next
}

/**
 * The daily automated backup: an automated snapshot at the backup window, automated snapshots older than the
 * retention period expire, and the next one is scheduled. A cluster being deleted takes its automated snapshots
 * with it (transitions.ts).
 */
export function runAutomatedBackup(state: ControlState, region: RegionState, clusterResourceId: string): void {
  const cluster = clusterByResourceId(region, clusterResourceId)
  if (!cluster || cluster.status === 'deleting') return
  const id = automatedSnapshotId(cluster.id, state.at)
  if (cluster.status !== 'creating' && !region.snapshots.has(id)) {
    state.emit(region, EVENTS.automatedSnapshotCreating, id)
    takeSnapshot(state, region, cluster, id, 'automated', 'available')
    state.emit(region, EVENTS.automatedSnapshotCreated, id)
  }
  expireAutomatedSnapshots(state, region, cluster)
  state.schedule(region, nextBackupWindow(cluster.preferredBackupWindow, state.at) - state.at, {
    type: 'automated-backup', cluster: cluster.resourceId,
  })
}

/** The cluster's oldest automated snapshot: where its continuous backup reaches back to. */
export function oldestAutomatedSnapshot(region: RegionState, cluster: Cluster): ClusterSnapshot | undefined {
  let oldest: ClusterSnapshot | undefined
  for (const s of region.snapshots.values()) {
    if (s.snapshotType === 'automated' && s.clusterResourceId === cluster.resourceId && (!oldest || s.createdAt < oldest.createdAt)) oldest = s
  }
  return oldest
}

/** Deletes the cluster's automated snapshots taken before `cutoff` (all of them when its cluster is deleted). */
export function expireAutomatedSnapshots(
  state: ControlState, region: RegionState, cluster: Cluster, cutoff = state.at - cluster.backupRetentionPeriod * DAY_MS,
): void {
  for (const s of [...region.snapshots.values()]) {
    if (s.snapshotType === 'automated' && s.clusterResourceId === cluster.resourceId && s.createdAt < cutoff) {
      region.snapshots.delete(s.id)
      state.saveSnapshot(region, s, true)
    }
  }
}
