import {dbClusterNotFound, dbInstanceNotFound} from './faults.js'
import type {Backtrack, Cluster, ClusterSnapshot, Instance, RdsEvent} from './model.js'
import {stripArn} from './paging.js'

export const DEFAULT_REGION = 'us-east-1'

/** One emulated AWS Region: its resources, events and the account's endpoint hash there. */
export interface RegionState {
  name: string
  /** The 12-character id that every cluster endpoint in this account and Region shares. */
  endpointHash: string
  /** Keyed by the (lowercase) DBClusterIdentifier. */
  clusters: Map<string, Cluster>
  instances: Map<string, Instance>
  snapshots: Map<string, ClusterSnapshot>
  /** Keyed by BacktrackIdentifier. */
  backtracks: Map<string, Backtrack>
  /** Oldest first; `seq` orders events that share a timestamp and serves as the DescribeEvents marker. */
  events: (RdsEvent & {seq: number})[]
}

export function emptyRegion(name: string, endpointHash: string): RegionState {
  return {name, endpointHash, clusters: new Map(), instances: new Map(), snapshots: new Map(), backtracks: new Map(), events: []}
}

export function availabilityZones(region: string): string[] {
  return [`${region}a`, `${region}b`, `${region}c`]
}

/** Region names as AWS spells them (e.g. us-east-1, ap-southeast-2, us-gov-west-1). */
export function isRegionName(name: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(name)
}

/** Looks a cluster up by identifier or ARN; missing → DBClusterNotFoundFault. */
export function findCluster(region: RegionState, identifier: string): Cluster {
  const cluster = region.clusters.get(stripArn(identifier).toLowerCase())
  if (!cluster) throw dbClusterNotFound(identifier)
  return cluster
}

/** Looks an instance up by identifier or ARN; missing → DBInstanceNotFound. */
export function findInstance(region: RegionState, identifier: string): Instance {
  const instance = region.instances.get(stripArn(identifier).toLowerCase())
  if (!instance) throw dbInstanceNotFound(identifier)
  return instance
}

/** Scheduled transitions name clusters by resource id, which survives a rename. */
export function clusterByResourceId(region: RegionState, resourceId: string): Cluster | undefined {
  for (const cluster of region.clusters.values()) if (cluster.resourceId === resourceId) return cluster
  return undefined
}

export function membersOf(region: RegionState, cluster: Cluster): Instance[] {
  return cluster.members.map((id) => region.instances.get(id)).filter((i): i is Instance => i !== undefined)
}
