import type {Cluster, ClusterSnapshot, Instance, RdsEvent} from './model.js'

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
  /** Oldest first; `seq` orders events that share a timestamp and serves as the DescribeEvents marker. */
  events: (RdsEvent & {seq: number})[]
}

export function availabilityZones(region: string): string[] {
  return [`${region}a`, `${region}b`, `${region}c`]
}

/** Region names as AWS spells them (e.g. us-east-1, ap-southeast-2, us-gov-west-1). */
export function isRegionName(name: string): boolean {
  return /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(name)
}
