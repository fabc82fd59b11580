import {newClusterResourceId, type CreateDBClusterInput} from './clusters.js'
import {resolveEngineVersion} from './engines.js'
import {EVENTS, type EventTemplate} from './events.js'
import {bestFailoverTarget} from './failover.js'
import {
  dbClusterNotFound, globalClusterAlreadyExists, globalClusterNotFound, globalClusterQuotaExceeded, invalidDbClusterState,
  invalidGlobalClusterState, invalidParameterCombination, invalidParameterValue,
} from './faults.js'
import {
  clusterArn, moveFailoverState, moveGlobalCluster, requireClusterStatus, type Cluster, type DataLossReport,
  type GlobalCluster, type GlobalClusterMember, type GlobalClusterStatus, type Tag,
} from './model.js'
import {paginate, validateMaxRecords, type Filter, type Page, type PageOf} from './paging.js'
import {clusterByResourceId, findCluster, isRegionName, membersOf, type RegionState} from './regions.js'
import {ReplicationLinkDown, type RegionalVolume} from './replication.js'
import type {ControlState} from './state.js'
import {validateDatabaseName, validateIdentifier, validateTags} from './validation.js'

// Aurora global databases: one primary cluster takes writes, up to 10 secondaries in other Regions replicate its
// volume through the ReplicationService. Operations validate everything before they mutate; switchovers and
// failovers finish in scheduled transitions (see the `global-*` transitions in transitions.ts).

/** Secondary Regions per global database (AURORA_FACTS §7, live documentation). */
export const MAX_SECONDARY_CLUSTERS = 10

export interface GlobalClusterView {
  global: GlobalCluster
  members: {member: GlobalClusterMember; arn: string; readers: string[]}[]
}

export interface CreateGlobalClusterInput {
  GlobalClusterIdentifier: string
  SourceDBClusterIdentifier?: string
  Engine?: string
  EngineVersion?: string
  DeletionProtection?: boolean
  DatabaseName?: string
  StorageEncrypted?: boolean
  Tags?: Tag[]
}

export function findGlobalCluster(state: ControlState, identifier: string): GlobalCluster {
  const global = state.globalClusters.get(identifier.toLowerCase())
  if (!global) throw globalClusterNotFound(identifier)
  return global
}

function requireGlobalStatus(global: GlobalCluster, expected: readonly GlobalClusterStatus[]): void {
  if (!expected.includes(global.status)) {
    throw invalidGlobalClusterState(
      `Global cluster ${global.id} is in ${global.status} state but expected it to be one of ${expected.join(',')}.`,
    )
  }
}

const CLUSTER_ARN = /^arn:aws:rds:([^:]*):\d{12}:cluster:([^:]+)$/

/**
 * A cluster named by ARN (its Region comes from the ARN, as AWS requires for members in other Regions) or by
 * identifier in the request's Region. Looks Regions up without creating them, so a refused request leaves none behind.
 */
function clusterByArn(state: ControlState, requestRegion: string, parameter: string, identifier: string): {region: RegionState; cluster: Cluster} {
  let regionName = requestRegion
  let id = identifier
  if (identifier.startsWith('arn:')) {
    const match = CLUSTER_ARN.exec(identifier)
    if (!match || !isRegionName(match[1])) {
      throw invalidParameterValue(`The parameter ${parameter} is not a valid DB cluster ARN: ${identifier}.`)
    }
    regionName = match[1]
    id = match[2]
  }
  const region = state.regions.get(regionName)
  if (!region) throw dbClusterNotFound(identifier)
  return {region, cluster: findCluster(region, id)}
}

function memberOf(global: GlobalCluster, region: RegionState, cluster: Cluster): GlobalClusterMember | undefined {
  return global.members.find((m) => m.region === region.name && m.clusterResourceId === cluster.resourceId)
}

/** A member's Region and cluster; members are removed before their cluster can go, so both exist. */
function resolve(state: ControlState, member: GlobalClusterMember): {region: RegionState; cluster: Cluster} {
  const region = state.regions.get(member.region) as RegionState
  return {region, cluster: clusterByResourceId(region, member.clusterResourceId) as Cluster}
}

function volume(member: GlobalClusterMember): RegionalVolume {
  return {region: member.region, volumeId: member.clusterResourceId}
}

function where(region: RegionState, cluster: Cluster): string {
  return `${cluster.id} in Region ${region.name}`
}

export function globalClusterView(state: ControlState, global: GlobalCluster): GlobalClusterView {
  const arns = global.members.map((m) => {
    const {region, cluster} = resolve(state, m)
    return clusterArn(region.name, cluster.id)
  })
  return {
    global: structuredClone(global),
    members: global.members.map((member, i) => ({
      member: {...member},
      arn: arns[i],
      // The primary lists its secondaries; secondaries list none.
      readers: member.isWriter ? arns.filter((_, j) => j !== i) : [],
    })),
  }
}

export function createGlobalCluster(state: ControlState, requestRegion: string, input: CreateGlobalClusterInput): () => GlobalClusterView {
  const id = validateIdentifier('GlobalClusterIdentifier', input.GlobalClusterIdentifier)
  if (state.globalClusters.has(id)) throw globalClusterAlreadyExists(id)
  let source: {region: RegionState; cluster: Cluster} | undefined
  if (input.SourceDBClusterIdentifier !== undefined) {
    for (const name of ['Engine', 'EngineVersion', 'DatabaseName', 'StorageEncrypted'] as const) {
      if (input[name] !== undefined) {
        throw invalidParameterCombination(`${name} can't be specified with SourceDBClusterIdentifier: the global cluster takes it from the source DB cluster.`)
      }
    }
    source = clusterByArn(state, requestRegion, 'SourceDBClusterIdentifier', input.SourceDBClusterIdentifier)
    requireClusterStatus(source.cluster, ['available'])
    if (source.cluster.global) {
      throw invalidDbClusterState(`DB cluster ${source.cluster.id} is already a member of global cluster ${source.cluster.global.id}.`)
    }
  } else if (input.Engine === undefined) {
    throw invalidParameterCombination('Either SourceDBClusterIdentifier or Engine must be specified.')
  }
  const c = source?.cluster
  const version = c ? {engine: c.engine, version: c.engineVersion} : resolveEngineVersion(input.Engine as string, input.EngineVersion)
  if (input.DatabaseName !== undefined) validateDatabaseName(input.DatabaseName)
  validateTags(input.Tags)

  const databaseName = c ? c.databaseName : input.DatabaseName
  const global: GlobalCluster = {
    id,
    resourceId: newClusterResourceId(state.prng),
    status: 'available',
    engine: version.engine,
    engineVersion: version.version,
    ...(databaseName !== undefined ? {databaseName} : {}),
    storageEncrypted: c ? c.storageEncrypted : input.StorageEncrypted ?? false,
    deletionProtection: input.DeletionProtection ?? false,
    endpointHash: state.prng.alnum(12).toLowerCase(),
    members: [],
    tags: input.Tags ?? [],
    createdAt: state.at,
  }
  if (source) {
    global.members.push({region: source.region.name, clusterResourceId: source.cluster.resourceId, isWriter: true, synchronizationStatus: 'connected'})
    source.cluster.global = {id, role: 'primary'}
    state.saveCluster(source.region, source.cluster)
  }
  state.globalClusters.set(id, global)
  state.saveGlobalCluster(global)
  return () => globalClusterView(state, global)
}

export function describeGlobalClusters(
  state: ControlState, input: {GlobalClusterIdentifier?: string; Filters?: Filter[]} & Page,
): PageOf<GlobalClusterView> {
  const maxRecords = validateMaxRecords(input.MaxRecords)
  let globals = input.GlobalClusterIdentifier !== undefined
    ? [findGlobalCluster(state, input.GlobalClusterIdentifier)] : [...state.globalClusters.values()]
  for (const filter of input.Filters ?? []) {
    // The only filter AWS supports: global clusters with a member in one of the Regions.
    if (filter.Name !== 'region') throw invalidParameterValue(`Unrecognized filter name: ${filter.Name}.`)
    globals = globals.filter((g) => g.members.some((m) => filter.Values.includes(m.region)))
  }
  const page = paginate(globals, (g) => g.id, maxRecords, input.Marker)
  return {items: page.items.map((g) => globalClusterView(state, g)), marker: page.marker}
}

export function modifyGlobalCluster(
  state: ControlState, input: {GlobalClusterIdentifier: string; NewGlobalClusterIdentifier?: string; DeletionProtection?: boolean},
): () => GlobalClusterView {
  const global = findGlobalCluster(state, input.GlobalClusterIdentifier)
  requireGlobalStatus(global, ['available'])
  let newId: string | undefined
  if (input.NewGlobalClusterIdentifier !== undefined) {
    newId = validateIdentifier('NewGlobalClusterIdentifier', input.NewGlobalClusterIdentifier)
    if (newId === global.id) newId = undefined
    else if (state.globalClusters.has(newId)) throw globalClusterAlreadyExists(newId)
  }

  if (newId !== undefined) {
    state.globalClusters.delete(global.id)
    global.id = newId
    state.globalClusters.set(newId, global)
    for (const member of global.members) {
      const {region, cluster} = resolve(state, member)
      cluster.global = {id: newId, role: (cluster.global as NonNullable<Cluster['global']>).role}
      state.saveCluster(region, cluster)
    }
  }
  if (input.DeletionProtection !== undefined) global.deletionProtection = input.DeletionProtection
  state.saveGlobalCluster(global)
  return () => globalClusterView(state, global)
}

export function deleteGlobalCluster(state: ControlState, input: {GlobalClusterIdentifier: string}): () => GlobalClusterView {
  const global = findGlobalCluster(state, input.GlobalClusterIdentifier)
  if (global.deletionProtection) {
    throw invalidParameterCombination('Cannot delete protected Global Cluster, please disable deletion protection and try again.')
  }
  requireGlobalStatus(global, ['available'])
  if (global.members.length > 0) {
    throw invalidGlobalClusterState(`Global cluster ${global.id} still has ${global.members.length} member DB cluster(s); remove them first.`)
  }
  moveGlobalCluster(global, 'deleting')
  const view = globalClusterView(state, global)
  state.globalClusters.delete(global.id)
  state.saveGlobalCluster(global, true)
  return () => view
}

export function removeFromGlobalCluster(
  state: ControlState, requestRegion: string, input: {GlobalClusterIdentifier: string; DbClusterIdentifier: string},
): () => GlobalClusterView {
  const global = findGlobalCluster(state, input.GlobalClusterIdentifier)
  const {region, cluster} = clusterByArn(state, requestRegion, 'DbClusterIdentifier', input.DbClusterIdentifier)
  const member = memberOf(global, region, cluster)
  if (!member) throw invalidDbClusterState(`DB cluster ${cluster.id} is not a member of global cluster ${global.id}.`)
  requireGlobalStatus(global, ['available'])
  if (member.isWriter && global.members.length > 1) {
    throw invalidGlobalClusterState(
      `Cannot remove the primary DB cluster ${cluster.id} from global cluster ${global.id} while it has secondary clusters.`,
    )
  }

  // Detach and promote: the cluster keeps what it applied and becomes a standalone read/write cluster.
  if (!member.isWriter) state.replication.detach(volume(member))
  global.members = global.members.filter((m) => m !== member)
  delete cluster.global
  state.saveCluster(region, cluster)
  promoteWriterInstance(state, region, cluster)
  state.saveGlobalCluster(global)
  return () => globalClusterView(state, global)
}

/** DeleteDBCluster of a member: only a primary with no secondaries may go, and it leaves the global cluster as it does. */
export function leaveOnDelete(state: ControlState, cluster: Cluster): void {
  if (!cluster.global) return
  const global = findGlobalCluster(state, cluster.global.id)
  if (cluster.global.role !== 'primary') {
    throw invalidDbClusterState('This cluster is a part of a global cluster, please remove it from globalcluster first')
  }
  if (global.members.length > 1) {
    throw invalidGlobalClusterState('Unable to delete cluster that is a primary member of global cluster while there are other global cluster members')
  }
}

/** Completes `leaveOnDelete` once the delete is accepted. */
export function detachDeletedPrimary(state: ControlState, region: RegionState, cluster: Cluster): void {
  if (!cluster.global) return
  const global = findGlobalCluster(state, cluster.global.id)
  global.members = global.members.filter((m) => !(m.region === region.name && m.clusterResourceId === cluster.resourceId))
  delete cluster.global
  state.saveGlobalCluster(global)
}

/** What CreateDBCluster with GlobalClusterIdentifier joins as: the first member is the primary, later ones secondaries. */
export interface GlobalMembershipPlan {
  global: GlobalCluster
  /** Set when the new cluster is a secondary: the primary it replicates from. */
  primary?: {region: RegionState; cluster: Cluster}
}

export type JoinInput = Pick<
  CreateDBClusterInput,
  'Engine' | 'EngineVersion' | 'MasterUsername' | 'MasterUserPassword' | 'ManageMasterUserPassword' | 'DatabaseName' | 'BacktrackWindow'
> & {GlobalClusterIdentifier: string}

/** Validates CreateDBCluster's GlobalClusterIdentifier and what a secondary may not set (credentials and data come from the primary). */
export function planGlobalMembership(state: ControlState, regionName: string, input: JoinInput): GlobalMembershipPlan {
  const global = findGlobalCluster(state, input.GlobalClusterIdentifier)
  requireGlobalStatus(global, ['available'])
  if (input.Engine !== global.engine) {
    throw invalidParameterCombination(`The engine ${input.Engine} doesn't match the engine ${global.engine} of global cluster ${global.id}.`)
  }
  const version = resolveEngineVersion(global.engine, input.EngineVersion ?? global.engineVersion)
  if (version.version !== global.engineVersion) {
    throw invalidParameterCombination(
      `The engine version ${version.version} doesn't match the engine version ${global.engineVersion} of global cluster ${global.id}.`,
    )
  }
  if (global.members.some((m) => m.region === regionName)) {
    throw invalidGlobalClusterState(`Global cluster ${global.id} already has a member DB cluster in Region ${regionName}.`)
  }
  const primaryMember = global.members.find((m) => m.isWriter)
  if (!primaryMember) return {global}
  if (global.members.length - 1 >= MAX_SECONDARY_CLUSTERS) {
    throw globalClusterQuotaExceeded(`Global cluster ${global.id} already has ${MAX_SECONDARY_CLUSTERS} secondary clusters, the maximum.`)
  }
  if (input.MasterUsername !== undefined) throw invalidParameterCombination('Cannot specify user name for cross region replication cluster')
  if (input.MasterUserPassword !== undefined || input.ManageMasterUserPassword !== undefined) {
    throw invalidParameterCombination('Cannot specify password for cross region replication cluster')
  }
  if (input.DatabaseName !== undefined) throw invalidParameterCombination('Cannot specify database name for cross region replication cluster')
  if (input.BacktrackWindow !== undefined && input.BacktrackWindow > 0) {
    throw invalidParameterCombination('Backtrack is not supported on a secondary cluster of a global database.')
  }
  return {global, primary: resolve(state, primaryMember)}
}

/** Adds the newly created cluster to its global cluster; a secondary starts as a copy of the primary's volume. */
export function joinGlobalCluster(state: ControlState, region: RegionState, cluster: Cluster, plan: GlobalMembershipPlan): void {
  const member: GlobalClusterMember = {
    region: region.name, clusterResourceId: cluster.resourceId, isWriter: !plan.primary, synchronizationStatus: 'connected',
  }
  plan.global.members.push(member)
  cluster.global = {id: plan.global.id, role: plan.primary ? 'secondary' : 'primary'}
  state.saveCluster(region, cluster)
  if (plan.primary) attachOrRetry(state, plan.global, member, {region: plan.primary.region.name, volumeId: plan.primary.cluster.resourceId}, true, true)
  state.saveGlobalCluster(plan.global)
}

/**
 * Points `member` at the primary. A down link (ReplicationLinkDown) leaves it `pending-resync` with a retry scheduled;
 * returns whether it is now connected.
 */
function attachOrRetry(
  state: ControlState, global: GlobalCluster, member: GlobalClusterMember, primary: RegionalVolume, copy: boolean, request = false,
): boolean {
  try {
    state.replication.attach(primary, volume(member), {copy})
    member.synchronizationStatus = 'connected'
    return true
  } catch (error) {
    // A request fails (and changes nothing) on anything but a down link; a transition must not fail: it retries.
    if (request && !(error instanceof ReplicationLinkDown)) throw error
    member.synchronizationStatus = 'pending-resync'
    state.schedule(state.regions.get(member.region) as RegionState, state.timing.globalResyncRetry, {
      type: 'global-resync', global: global.resourceId, region: member.region, cluster: member.clusterResourceId,
    })
    return false
  }
}

/** The target of a switchover or failover, after every check AWS makes. */
function failoverTarget(state: ControlState, requestRegion: string, global: GlobalCluster, identifier: string) {
  const {region, cluster} = clusterByArn(state, requestRegion, 'TargetDbClusterIdentifier', identifier)
  const member = memberOf(global, region, cluster)
  if (!member) throw invalidDbClusterState(`DB cluster ${cluster.id} is not a member of global cluster ${global.id}.`)
  requireGlobalStatus(global, ['available'])
  if (member.isWriter) throw invalidParameterValue(`DB cluster ${cluster.id} is already the primary cluster of global cluster ${global.id}.`)
  requireClusterStatus(cluster, ['available'])
  if (!membersOf(region, cluster).some((i) => i.status === 'available')) {
    throw invalidDbClusterState(`DB cluster ${cluster.id} has no available DB instance to promote; add a DB instance first.`)
  }
  const primaryMember = global.members.find((m) => m.isWriter) as GlobalClusterMember
  return {region, cluster, member, primaryMember, primary: resolve(state, primaryMember)}
}

export function switchoverGlobalCluster(
  state: ControlState, requestRegion: string, input: {GlobalClusterIdentifier: string; TargetDbClusterIdentifier: string},
): () => GlobalClusterView {
  const global = findGlobalCluster(state, input.GlobalClusterIdentifier)
  const target = failoverTarget(state, requestRegion, global, input.TargetDbClusterIdentifier)
  requireClusterStatus(target.primary.cluster, ['available'])
  if (target.member.synchronizationStatus !== 'connected') {
    throw invalidGlobalClusterState(`DB cluster ${target.cluster.id} is ${target.member.synchronizationStatus}; a switchover needs it connected.`)
  }
  if (target.cluster.engineVersion !== target.primary.cluster.engineVersion) {
    throw invalidDbClusterState(
      `A switchover needs matching engine versions: ${target.cluster.id} runs ${target.cluster.engineVersion}, the primary ${target.primary.cluster.engineVersion}.`,
    )
  }

  moveGlobalCluster(global, 'switching-over')
  global.failoverState = {
    status: 'pending', isDataLossAllowed: false,
    fromDbClusterArn: clusterArn(target.primary.region.name, target.primary.cluster.id),
    toDbClusterArn: clusterArn(target.region.name, target.cluster.id),
  }
  delete global.syncWaitReported
  // The old primary stops taking writes at once, so the target can catch up with a log that no longer grows.
  target.primary.cluster.global = {id: global.id, role: 'demoting'}
  state.saveCluster(target.primary.region, target.primary.cluster)
  state.saveGlobalCluster(global)
  state.emit(target.region, EVENTS.globalSwitchoverStarted, target.cluster.id, where(target.region, target.cluster))
  state.schedule(target.region, state.timing.globalFailoverStep, {
    type: 'global-switchover-sync', global: global.resourceId, target: target.cluster.resourceId,
  })
  return () => globalClusterView(state, global)
}

export function failoverGlobalCluster(
  state: ControlState,
  requestRegion: string,
  input: {GlobalClusterIdentifier: string; TargetDbClusterIdentifier: string; AllowDataLoss?: boolean; Switchover?: boolean},
): () => GlobalClusterView {
  if (input.AllowDataLoss && input.Switchover) {
    throw invalidParameterCombination('AllowDataLoss and Switchover can\'t be specified together.')
  }
  if (!input.AllowDataLoss) return switchoverGlobalCluster(state, requestRegion, input)
  const global = findGlobalCluster(state, input.GlobalClusterIdentifier)
  const target = failoverTarget(state, requestRegion, global, input.TargetDbClusterIdentifier)

  const from = clusterArn(target.primary.region.name, target.primary.cluster.id)
  const to = clusterArn(target.region.name, target.cluster.id)
  // The target applies nothing more; what the old primary commits until it is fenced is counted as lost (complete).
  state.replication.sever(volume(target.member))
  global.lastDataLoss = {at: state.at, fromDbClusterArn: from, toDbClusterArn: to, commits: 0}
  moveGlobalCluster(global, 'failing-over')
  global.failoverState = {status: 'failing-over', isDataLossAllowed: true, fromDbClusterArn: from, toDbClusterArn: to}
  // Promoted at once: the old primary's Region may be unreachable, so nothing waits for it.
  makePrimary(state, global, target.member, target.region, target.cluster)
  target.primaryMember.isWriter = false
  target.primaryMember.synchronizationStatus = 'pending-resync'
  demote(state, target.primary.region, target.primary.cluster, global.id)
  state.saveGlobalCluster(global)
  state.schedule(target.region, state.timing.globalFailoverStep, {
    type: 'global-failover-complete', global: global.resourceId, oldPrimary: target.primaryMember.clusterResourceId,
  })
  return () => globalClusterView(state, global)
}

function globalByResourceId(state: ControlState, resourceId: string): GlobalCluster | undefined {
  for (const global of state.globalClusters.values()) if (global.resourceId === resourceId) return global
  return undefined
}

function makePrimary(state: ControlState, global: GlobalCluster, member: GlobalClusterMember, region: RegionState, cluster: Cluster): void {
  member.isWriter = true
  member.synchronizationStatus = 'connected'
  cluster.global = {id: global.id, role: 'primary'}
  state.saveCluster(region, cluster)
  promoteWriterInstance(state, region, cluster)
}

function demote(state: ControlState, region: RegionState, cluster: Cluster, globalId: string): void {
  cluster.global = {id: globalId, role: 'secondary'}
  state.saveCluster(region, cluster)
  for (const instance of membersOf(region, cluster)) {
    if (!instance.isWriter) continue
    instance.isWriter = false
    state.saveInstance(region, instance)
  }
}

/** A cluster that takes writes again gets a writer instance, chosen as a failover would choose it. */
function promoteWriterInstance(state: ControlState, region: RegionState, cluster: Cluster): void {
  const members = membersOf(region, cluster)
  if (members.some((i) => i.isWriter)) return
  const writer = bestFailoverTarget(members, cluster.serverlessV2?.MaxCapacity)
  if (!writer) return
  writer.isWriter = true
  state.saveInstance(region, writer)
}

/** The other secondaries follow the new primary; their volumes are copied afresh from it. */
function repointSecondaries(state: ControlState, global: GlobalCluster, primary: GlobalClusterMember, skip: GlobalClusterMember): void {
  for (const member of global.members) {
    if (member === primary || member === skip) continue
    state.replication.detach(volume(member))
    attachOrRetry(state, global, member, volume(primary), true)
  }
}

function emitAt(state: ControlState, member: GlobalClusterMember, template: EventTemplate, extra = ''): void {
  const {region, cluster} = resolve(state, member)
  state.emit(region, template, cluster.id, `${where(region, cluster)}${extra}`)
}

/** `global-switchover-sync`: pending → switching-over, then wait until the target has applied everything; then swap roles. */
export function switchoverSync(state: ControlState, globalResourceId: string, targetResourceId: string): void {
  const global = globalByResourceId(state, globalResourceId)
  if (!global || global.status !== 'switching-over' || !global.failoverState) return
  if (global.failoverState.status === 'pending') moveFailoverState(global, 'switching-over')
  const target = global.members.find((m) => m.clusterResourceId === targetResourceId) as GlobalClusterMember
  const targetRegion = state.regions.get(target.region) as RegionState
  const lag = state.replication.status(volume(target))
  if (lag.lagLsn > 0) {
    if (!global.syncWaitReported) {
      global.syncWaitReported = true
      const {cluster} = resolve(state, target)
      state.emit(targetRegion, EVENTS.globalSyncWaiting, cluster.id, `${cluster.id} ${lag.lagMs} ms (${lag.lagLsn} LSNs)`)
    }
    state.saveGlobalCluster(global)
    // The lag drains in real time, so the next check comes after the time being caught up to, not in a loop before it.
    state.schedule(targetRegion, Math.max(0, state.dueUntil - state.at) + state.timing.globalSyncPoll, {
      type: 'global-switchover-sync', global: global.resourceId, target: targetResourceId,
    })
    return
  }

  const old = global.members.find((m) => m.isWriter) as GlobalClusterMember
  const oldPrimary = resolve(state, old)
  emitAt(state, old, EVENTS.globalOldPrimaryShutDown)
  state.replication.detach(volume(target))
  const {cluster: targetCluster} = resolve(state, target)
  makePrimary(state, global, target, targetRegion, targetCluster)
  old.isWriter = false
  demote(state, oldPrimary.region, oldPrimary.cluster, global.id)
  // Fenced before the target caught up, the old primary holds exactly the new primary's content: no copy needed.
  attachOrRetry(state, global, old, volume(target), false)
  repointSecondaries(state, global, target, old)
  emitAt(state, target, EVENTS.globalNewPrimaryPromoted)
  delete global.failoverState
  delete global.syncWaitReported
  moveGlobalCluster(global, 'available')
  state.saveGlobalCluster(global)
  emitAt(state, target, EVENTS.globalSwitchoverFinished)
}

/** `global-failover-complete`: the failover is over; the old primary (and every other secondary) resyncs from the new one. */
export function failoverComplete(state: ControlState, globalResourceId: string, oldPrimaryResourceId: string): void {
  const global = globalByResourceId(state, globalResourceId)
  if (!global || global.status !== 'failing-over') return
  const primary = global.members.find((m) => m.isWriter) as GlobalClusterMember
  // By now the old primary is fenced: everything it acknowledged that the new primary never applied is known.
  const loss: DataLossReport = {...(global.lastDataLoss as DataLossReport), ...state.replication.unreplicated(volume(primary))}
  global.lastDataLoss = loss
  state.replication.detach(volume(primary))
  emitAt(state, primary, EVENTS.globalFailoverCompleted, `\n${describeLoss(loss)}`)
  delete global.failoverState
  moveGlobalCluster(global, 'available')
  const old = global.members.find((m) => m.clusterResourceId === oldPrimaryResourceId)
  if (old) {
    emitAt(state, old, EVENTS.globalResyncStarted)
    // The old primary diverged (it may hold commits the new primary never saw): it is copied afresh.
    if (attachOrRetry(state, global, old, volume(primary), true)) emitAt(state, old, EVENTS.globalResyncFinished)
  }
  if (old) repointSecondaries(state, global, primary, old)
  state.saveGlobalCluster(global)
}

/** `global-resync`: retries attaching a member whose link was down. */
export function resyncMember(state: ControlState, globalResourceId: string, regionName: string, clusterResourceId: string): void {
  const global = globalByResourceId(state, globalResourceId)
  if (!global || global.status !== 'available') return
  const member = global.members.find((m) => m.region === regionName && m.clusterResourceId === clusterResourceId)
  const primary = global.members.find((m) => m.isWriter)
  if (!member || !primary || member.isWriter || member.synchronizationStatus !== 'pending-resync') return
  if (attachOrRetry(state, global, member, volume(primary), true)) emitAt(state, member, EVENTS.globalResyncFinished)
  state.saveGlobalCluster(global)
}

function describeLoss(loss: DataLossReport): string {
  if (loss.commits === 0) return 'No commits were lost.'
  return `${loss.commits} commit(s) of the old primary (LSN ${loss.fromLsn}–${loss.toLsn}) were not replicated and are lost.`
}

/** The last failover with AllowDataLoss of a global cluster, for the admin API (AWS has no field for it). */
export function globalClusterDataLoss(state: ControlState, identifier: string): DataLossReport | undefined {
  const loss = findGlobalCluster(state, identifier).lastDataLoss
  return loss && {...loss}
}
