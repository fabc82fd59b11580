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

export function instanceArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${ACCOUNT_ID}:db:${id}`
}

export function clusterSnapshotArn(region: string, id: string): string {
  return `arn:aws:rds:${region}:${ACCOUNT_ID}:cluster-snapshot:${id}`
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

export function moveInstance(instance: Instance, to: InstanceStatus): void {
  if (!INSTANCE_TRANSITIONS[instance.status].includes(to)) {
    throw new Error(`illegal instance transition ${instance.status} → ${to} for ${instance.id}`)
  }
  instance.status = to
}
