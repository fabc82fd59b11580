import type {AuroraEngine} from './engines.js'
import {invalidDbClusterState, invalidDbInstanceState} from './faults.js'

export const ACCOUNT_ID = '000000000000'

export type ClusterStatus =
  | 'creating' | 'available' | 'modifying' | 'renaming' | 'failing-over'
  | 'stopping' | 'stopped' | 'starting' | 'deleting' | 'backtracking'

export type InstanceStatus =
  | 'creating' | 'available' | 'modifying' | 'rebooting' | 'stopping' | 'stopped' | 'starting' | 'deleting'

/** Each status lists the statuses it may move to; anything else is a bug in the control plane. */
export const CLUSTER_TRANSITIONS: Record<ClusterStatus, readonly ClusterStatus[]> = {
  creating: ['available'],
  available: ['modifying', 'renaming', 'failing-over', 'stopping', 'deleting', 'backtracking'],
  modifying: ['available'],
  renaming: ['available'],
  'failing-over': ['available'],
  stopping: ['stopped'],
  stopped: ['starting', 'deleting'],
  starting: ['available'],
  deleting: [],
  backtracking: ['available'],
}

export const INSTANCE_TRANSITIONS: Record<InstanceStatus, readonly InstanceStatus[]> = {
  creating: ['available'],
  available: ['modifying', 'rebooting', 'stopping', 'deleting'],
  modifying: ['available'],
  rebooting: ['available'],
  stopping: ['stopped'],
  stopped: ['starting', 'deleting'],
  starting: ['available'],
  deleting: [],
}

// A type alias (not an interface) so tags serialise as plain XML structures.
export type Tag = {Key: string; Value: string}

export interface ServerlessV2Scaling {
  MinCapacity: number
  MaxCapacity: number
  SecondsUntilAutoPause?: number
}

export interface ClusterPendingChanges {
  DBClusterIdentifier?: string
  EngineVersion?: string
}

export interface Cluster {
  id: string
  resourceId: string
  status: ClusterStatus
  engine: AuroraEngine
  engineVersion: string
  port: number
  masterUsername: string
  /** Kept so a later engine can authenticate with it; never serialised into a reply, log or event. */
  masterUserPassword?: string
  masterUserSecretArn?: string
  databaseName?: string
  availabilityZones: string[]
  backupRetentionPeriod: number
  backtrackWindow?: number
  deletionProtection: boolean
  serverlessV2?: ServerlessV2Scaling
  storageEncrypted: boolean
  preferredBackupWindow: string
  preferredMaintenanceWindow: string
  vpcSecurityGroupIds: string[]
  tags: Tag[]
  createdAt: number
  pending: ClusterPendingChanges
  /** Instance ids in creation order; the writer is flagged on the instance. */
  members: string[]
  /** Shared by a copy-on-write clone and its source (DBCluster.CloneGroupId). */
  cloneGroupId?: string
  /** The resource id of the cluster this one is a copy-on-write clone of (at most 15 per source). */
  cloneOf?: string
  /** When the last backtrack completed (later times read the rewound state until the next write). */
  backtrackedAt?: number
  /** Membership of an Aurora global database (the identifier is kept in step with ModifyGlobalCluster renames). */
  global?: {id: string; role: GlobalRole}
}

/**
 * A global database member's part: the primary takes writes; a secondary replicates from it and is read-only;
 * `demoting` is an old primary fenced by a switchover (read-only, not yet replicating from the new primary).
 */
export type GlobalRole = 'primary' | 'secondary' | 'demoting'

export type GlobalClusterStatus = 'available' | 'switching-over' | 'failing-over' | 'deleting'

/** Deletion leaves at once (the reply shows `deleting`); a switchover or failover ends back in `available`. */
export const GLOBAL_CLUSTER_TRANSITIONS: Record<GlobalClusterStatus, readonly GlobalClusterStatus[]> = {
  available: ['switching-over', 'failing-over', 'deleting'],
  'switching-over': ['available'],
  'failing-over': ['available'],
  deleting: [],
}

/** FailoverState.Status; the state is cleared when the operation completes. There is no cancel, so no `cancelling`. */
export type FailoverStatus = 'pending' | 'switching-over' | 'failing-over'

export const FAILOVER_TRANSITIONS: Record<FailoverStatus, readonly FailoverStatus[]> = {
  pending: ['switching-over'],
  'switching-over': [],
  'failing-over': [],
}

export interface GlobalClusterMember {
  region: string
  /** The member cluster's resource id (it survives a rename). */
  clusterResourceId: string
  isWriter: boolean
  synchronizationStatus: 'connected' | 'pending-resync'
}

/** What a failover with AllowDataLoss left behind: the old primary's commits the promoted cluster never applied. */
export interface DataLossReport {
  at: number
  fromDbClusterArn: string
  toDbClusterArn: string
  commits: number
  fromLsn?: number
  toLsn?: number
}

/** An Aurora global database. It belongs to no Region: its members do. */
export interface GlobalCluster {
  id: string
  resourceId: string
  status: GlobalClusterStatus
  engine: AuroraEngine
  engineVersion: string
  databaseName?: string
  storageEncrypted: boolean
  deletionProtection: boolean
  /** The 12-character id in the global writer endpoint's name. */
  endpointHash: string
  members: GlobalClusterMember[]
  failoverState?: {status: FailoverStatus; fromDbClusterArn: string; toDbClusterArn: string; isDataLossAllowed: boolean}
  /** The lag reported when a switchover first had to wait (RDS-EVENT-0183 is emitted once). */
  syncWaitReported?: boolean
  /** Internal (AWS has no field for it): the last failover that allowed data loss, for the admin API. */
  lastDataLoss?: DataLossReport
  tags: Tag[]
  createdAt: number
}

export interface Instance {
  id: string
  resourceId: string
  clusterId: string
  status: InstanceStatus
  instanceClass: string
  availabilityZone: string
  promotionTier: number
  isWriter: boolean
  createdAt: number
  pendingInstanceClass?: string
  tags: Tag[]
}

export type SnapshotStatus = 'creating' | 'copying' | 'available'

export interface ClusterSnapshot {
  id: string
  /** Names the snapshot's volume: a copy-on-write image of the cluster's volume at `lsn`. */
  resourceId: string
  clusterId: string
  clusterResourceId: string
  status: SnapshotStatus
  snapshotType: 'manual' | 'automated'
  engine: AuroraEngine
  engineVersion: string
  port: number
  masterUsername: string
  /** Restores keep the source's credentials; never serialised into a reply, log or event. */
  masterUserPassword?: string
  databaseName?: string
  availabilityZones: string[]
  storageEncrypted: boolean
  backupRetentionPeriod: number
  preferredBackupWindow: string
  clusterCreatedAt: number
  createdAt: number
  /** The consistent point of the cluster's volume the snapshot holds. */
  lsn: number
  sourceSnapshotArn?: string
  tags: Tag[]
}

export type BacktrackStatus = 'pending' | 'applying' | 'completed' | 'failed'

export interface Backtrack {
  id: string
  clusterId: string
  clusterResourceId: string
  status: BacktrackStatus
  /** The requested time snapped to the consistent point the volume goes back to. */
  backtrackTo: number
  backtrackedFrom: number
  requestedAt: number
  lsn: number
}

export type EventSourceType = 'db-cluster' | 'db-instance' | 'db-cluster-snapshot'

export interface RdsEvent {
  sourceType: EventSourceType
  sourceId: string
  sourceArn: string
  eventId: string
  message: string
  categories: string[]
  at: number
}

export function clusterArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${ACCOUNT_ID}:cluster:${id}`
}

/** Global clusters have no Region in their ARN. */
export function globalClusterArn(id: string): string {
  return `arn:aws:rds::${ACCOUNT_ID}:global-cluster:${id}`
}

export function instanceArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${ACCOUNT_ID}:db:${id}`
}

export function clusterSnapshotArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${ACCOUNT_ID}:cluster-snapshot:${id}`
}

/** Whether the cluster takes writes: a standalone cluster or a global primary (not a secondary, nor an old primary being switched over). */
export function acceptsWrites(cluster: Cluster): boolean {
  return cluster.global === undefined || cluster.global.role === 'primary'
}

/** Throws AWS's InvalidDBClusterStateFault unless the cluster is in one of `expected`. */
export function requireClusterStatus(cluster: Cluster, expected: readonly ClusterStatus[]): void {
  if (!expected.includes(cluster.status)) {
    throw invalidDbClusterState(
      `DbCluster ${cluster.id} is in ${cluster.status} state but expected it to be one of ${expected.join(',')}.`,
    )
  }
}

export function requireInstanceStatus(instance: Instance, expected: readonly InstanceStatus[]): void {
  if (!expected.includes(instance.status)) {
    throw invalidDbInstanceState(
      `DbInstance ${instance.id} is in ${instance.status} state but expected it to be one of ${expected.join(',')}.`,
    )
  }
}

/** Moves a cluster to `to`, enforcing the declared state machine. */
export function moveCluster(cluster: Cluster, to: ClusterStatus): void {
  if (!CLUSTER_TRANSITIONS[cluster.status].includes(to)) {
    throw new Error(`illegal cluster transition ${cluster.status} → ${to} for ${cluster.id}`)
  }
  cluster.status = to
}

export function moveGlobalCluster(global: GlobalCluster, to: GlobalClusterStatus): void {
  if (!GLOBAL_CLUSTER_TRANSITIONS[global.status].includes(to)) {
    throw new Error(`illegal global cluster transition ${global.status} → ${to} for ${global.id}`)
  }
  global.status = to
}

export function moveFailoverState(global: GlobalCluster, to: FailoverStatus): void {
  const state = global.failoverState
  if (!state || !FAILOVER_TRANSITIONS[state.status].includes(to)) {
    throw new Error(`illegal failover state transition ${state?.status ?? 'none'} → ${to} for ${global.id}`)
  }
  state.status = to
}

export function moveInstance(instance: Instance, to: InstanceStatus): void {
  if (!INSTANCE_TRANSITIONS[instance.status].includes(to)) {
    throw new Error(`illegal instance transition ${instance.status} → ${to} for ${instance.id}`)
  }
  instance.status = to
}
