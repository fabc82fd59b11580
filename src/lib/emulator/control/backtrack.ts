import {dbClusterBacktrackNotFound, invalidDbClusterState, invalidParameterValue} from './faults.js'
import {moveCluster, requireClusterStatus, type Backtrack, type Cluster} from './model.js'
import {paginate, validateMaxRecords, type Filter, type Page, type PageOf} from './paging.js'
import {clusterByResourceId, findCluster, type RegionState} from './regions.js'
import type {ControlState} from './state.js'

// Backtrack (aurora-mysql only): the cluster's volume is rewound in place to a consistent point within the backtrack
// window, and can be moved back and forth within it until the next write (AURORA_FACTS §8).

/** The earliest time a cluster can be backtracked to: the window, never before the cluster (or clone) was created. */
export function earliestBacktrackTime(cluster: Cluster, now: number): number | undefined {
  if (!cluster.backtrackWindow) return undefined
  return Math.max(cluster.createdAt, now - cluster.backtrackWindow * 1000)
}

export function backtrackDBCluster(
  state: ControlState,
  regionName: string,
  input: {DBClusterIdentifier: string; BacktrackTo: Date; Force?: boolean; UseEarliestTimeOnPointInTimeUnavailable?: boolean},
): () => Backtrack {
  const region = state.region(regionName)
  const cluster = findCluster(region, input.DBClusterIdentifier)
  if (cluster.engine !== 'aurora-mysql') {
    throw invalidDbClusterState(`Backtrack is not supported for ${cluster.engine} DB clusters; only aurora-mysql clusters can be backtracked.`)
  }
  const earliest = earliestBacktrackTime(cluster, state.now)
  if (earliest === undefined) {
    throw invalidDbClusterState(`Backtrack is not enabled for DB cluster ${cluster.id}: its BacktrackWindow is 0 (it can only be set when a cluster is created or restored).`)
  }
  requireClusterStatus(cluster, ['available'])
  let to = input.BacktrackTo.getTime()
  if (!Number.isFinite(to)) throw invalidParameterValue('BacktrackTo must be an ISO 8601 timestamp.')
  if (to > state.now) {
    throw invalidParameterValue(`BacktrackTo ${new Date(to).toISOString()} is in the future; the time now is ${new Date(state.now).toISOString()}.`)
  }
  if (to < earliest) {
    if (!input.UseEarliestTimeOnPointInTimeUnavailable) {
      throw invalidParameterValue(
        `BacktrackTo ${new Date(to).toISOString()} is earlier than the earliest backtrack time of ${cluster.id}, ` +
          `${new Date(earliest).toISOString()}. Set UseEarliestTimeOnPointInTimeUnavailable to backtrack to that time instead.`,
      )
    }
    to = earliest
  }
  const lsn = state.volumes.lsnAt(region.name, cluster.resourceId, to, cluster.backtrackedAt)
  const backtrack: Backtrack = {
    id: state.prng.uuid(), clusterId: cluster.id, clusterResourceId: cluster.resourceId, status: 'pending',
    backtrackTo: to, backtrackedFrom: state.now, requestedAt: state.now, lsn,
  }
  region.backtracks.set(backtrack.id, backtrack)
  state.saveBacktrack(region, backtrack)
  moveCluster(cluster, 'backtracking')
  state.saveCluster(region, cluster)
  state.schedule(region, state.timing.backtrack / 2, {type: 'backtrack-applying', backtrack: backtrack.id})
  return () => structuredClone(backtrack)
}

/** The backtrack starts applying: connections are closed and the volume is about to move. */
export function startBacktrack(state: ControlState, region: RegionState, id: string): void {
  const backtrack = region.backtracks.get(id)
  if (!backtrack || backtrack.status !== 'pending') return
  backtrack.status = 'applying'
  state.saveBacktrack(region, backtrack)
  state.schedule(region, state.timing.backtrack / 2, {type: 'backtrack-applied', backtrack: id})
}

/** The volume is rewound in place; the backtrack completes (or fails, leaving the volume where it was). */
export function finishBacktrack(state: ControlState, region: RegionState, id: string): void {
  const backtrack = region.backtracks.get(id)
  if (!backtrack || backtrack.status !== 'applying') return
  const cluster = clusterByResourceId(region, backtrack.clusterResourceId)
  if (!cluster || cluster.status !== 'backtracking') {
    backtrack.status = 'failed'
  } else {
    try {
      state.volumes.rewind(region.name, cluster.resourceId, backtrack.lsn)
      backtrack.status = 'completed'
      cluster.backtrackedAt = state.at
    } catch {
      backtrack.status = 'failed'
    }
    moveCluster(cluster, 'available')
    state.saveCluster(region, cluster)
  }
  state.saveBacktrack(region, backtrack)
}

export function describeDBClusterBacktracks(
  state: ControlState,
  regionName: string,
  input: {DBClusterIdentifier: string; BacktrackIdentifier?: string; Filters?: Filter[]} & Page,
): PageOf<Backtrack> {
  const maxRecords = validateMaxRecords(input.MaxRecords)
  const region = state.region(regionName)
  const cluster = findCluster(region, input.DBClusterIdentifier)
  let backtracks = [...region.backtracks.values()].filter((b) => b.clusterResourceId === cluster.resourceId)
  if (input.BacktrackIdentifier !== undefined) {
    backtracks = backtracks.filter((b) => b.id === input.BacktrackIdentifier)
    if (backtracks.length === 0) throw dbClusterBacktrackNotFound(input.BacktrackIdentifier)
  }
  for (const filter of input.Filters ?? []) {
    switch (filter.Name) {
      case 'db-cluster-backtrack-id':
        backtracks = backtracks.filter((b) => filter.Values.includes(b.id))
        break
      case 'db-cluster-backtrack-status':
        backtracks = backtracks.filter((b) => filter.Values.includes(b.status))
        break
      default:
        throw invalidParameterValue(`Unrecognized filter name: ${filter.Name}.`)
    }
  }
  // Newest first, as the console lists them.
  const page = paginate(backtracks, (b) => `${String(Number.MAX_SAFE_INTEGER - b.requestedAt).padStart(16, '0')}:${b.id}`, maxRecords, input.Marker)
  return {items: page.items.map((b) => structuredClone(b)), marker: page.marker}
}

/** A deleted cluster's backtracks go with it. */
export function dropBacktracks(state: ControlState, region: RegionState, cluster: Cluster): void {
  for (const b of [...region.backtracks.values()]) {
    if (b.clusterResourceId !== cluster.resourceId) continue
    region.backtracks.delete(b.id)
    state.saveBacktrack(region, b, true)
  }
}
