import {earliestBacktrackTime} from './backtrack.js'
import type {Cluster, Instance} from './model.js'
import {membersOf, type RegionState} from './regions.js'
import {restorableWindow} from './restore.js'

/** A cluster as a reply shows it: a copy of the record plus what its shape derives from the Region and its instances. */
export interface ClusterView {
  region: string
  endpointHash: string
  cluster: Cluster
  members: Instance[]
  restorable?: {earliest: number; latest: number}
  earliestBacktrackTime?: number
}

export interface InstanceView {
  region: string
  endpointHash: string
  instance: Instance
  cluster: Cluster
}

export function clusterView(region: RegionState, cluster: Cluster, now: number): ClusterView {
  return {
    region: region.name, endpointHash: region.endpointHash, cluster: structuredClone(cluster),
    members: structuredClone(membersOf(region, cluster)),
    restorable: restorableWindow(region, cluster, now),
    earliestBacktrackTime: earliestBacktrackTime(cluster, now),
  }
}

export function instanceView(region: RegionState, instance: Instance): InstanceView {
  return {
    region: region.name, endpointHash: region.endpointHash, instance: structuredClone(instance),
    cluster: structuredClone(region.clusters.get(instance.clusterId) as Cluster),
  }
}
