import type {AuroraEngine} from './engines.js'
import {invalidDbClusterState, invalidDbInstanceState} from './faults.js'

export const ACCOUNT_ID = '000000000000'

export type ClusterStatus =
  | 'creating' | 'available' | 'modifying' | 'renaming' | 'failing-over'
  | 'stopping' | 'stopped' | 'starting' | 'deleting'

export type InstanceStatus =
  | 'creating' | 'available' | 'modifying' | 'rebooting' | 'stopping' | 'stopped' | 'starting' | 'deleting'

/** Each status lists the statuses it may move to; anything else is a bug in the control plane. */
export const CLUSTER_TRANSITIONS: Record<ClusterStatus, readonly ClusterStatus[]> = {
  creating: ['available'],
  available: ['modifying', 'renaming', 'failing-over', 'stopping', 'deleting'],
  modifying: ['available'],
  renaming: ['available'],
  'failing-over': ['available'],
  stopping: ['stopped'],
  stopped: ['starting', 'deleting'],
  starting: ['available'],
  deleting: [],
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

export interface ClusterSnapshot {
  id: string
  clusterId: string
  clusterResourceId: string
  status: 'creating' | 'available'
  snapshotType: 'manual'
  engine: AuroraEngine
  engineVersion: string
  port: number
  masterUsername: string
  availabilityZones: string[]
  storageEncrypted: boolean
  clusterCreatedAt: number
  createdAt: number
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
