import {
  type DBCluster,
  type DBClusterBacktrack,
  type DBClusterSnapshot,
  type DBInstance,
  DescribeDBClusterBacktracksCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  type GlobalCluster,
} from '@aws-sdk/client-rds'

import {ClientSideFault} from '../fault.js'
import type {Rds} from './client.js'

export interface Topology {
  cluster: DBCluster
  instances: DBInstance[]
}

export async function describeCluster(rds: Rds, id: string): Promise<DBCluster> {
  const out = await rds.client.send(new DescribeDBClustersCommand({DBClusterIdentifier: id}))
  return out.DBClusters![0]
}

/** Every cluster in the region, following `Marker` pages. */
export async function listClusters(rds: Rds): Promise<DBCluster[]> {
  const clusters: DBCluster[] = []
  let marker: string | undefined
  do {
    const out = await rds.client.send(new DescribeDBClustersCommand({Marker: marker, MaxRecords: 100}))
    clusters.push(...(out.DBClusters ?? []))
    marker = out.Marker
  } while (marker)
  return clusters
}

export async function clusterInstances(rds: Rds, clusterId: string): Promise<DBInstance[]> {
  const instances: DBInstance[] = []
  let marker: string | undefined
  do {
    const out = await rds.client.send(
      new DescribeDBInstancesCommand({Filters: [{Name: 'db-cluster-id', Values: [clusterId]}], Marker: marker, MaxRecords: 100}),
    )
    instances.push(...(out.DBInstances ?? []))
    marker = out.Marker
  } while (marker)
  return instances
}

export async function describeInstance(rds: Rds, id: string): Promise<DBInstance> {
  const out = await rds.client.send(new DescribeDBInstancesCommand({DBInstanceIdentifier: id}))
  return out.DBInstances![0]
}

export async function describeSnapshot(rds: Rds, id: string): Promise<DBClusterSnapshot> {
  const out = await rds.client.send(new DescribeDBClusterSnapshotsCommand({DBClusterSnapshotIdentifier: id}))
  const snapshot = out.DBClusterSnapshots?.[0]
  // An endpoint that answers an empty list rather than the fault is reported as AWS would report it.
  if (!snapshot) throw new ClientSideFault('DBClusterSnapshotNotFoundFault', `DBClusterSnapshot ${id} not found.`)
  return snapshot
}

export async function describeBacktrack(rds: Rds, clusterId: string, backtrackId: string): Promise<DBClusterBacktrack> {
  const out = await rds.client.send(new DescribeDBClusterBacktracksCommand({DBClusterIdentifier: clusterId, BacktrackIdentifier: backtrackId}))
  const backtrack = out.DBClusterBacktracks?.[0]
  if (!backtrack) throw new ClientSideFault('DBClusterBacktrackNotFoundFault', `Backtrack ${backtrackId} of DBCluster ${clusterId} not found.`)
  return backtrack
}

export async function describeGlobalCluster(rds: Rds, id: string): Promise<GlobalCluster> {
  const out = await rds.client.send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: id}))
  // Some endpoints (moto) answer every global cluster whatever the identifier asked for.
  const global = out.GlobalClusters?.find((g) => g.GlobalClusterIdentifier?.toLowerCase() === id.toLowerCase())
  if (!global) throw new ClientSideFault('GlobalClusterNotFoundFault', `GlobalCluster ${id} not found.`)
  return global
}

/** Every global cluster the account has, following `Marker` pages. */
export async function listGlobalClusters(rds: Rds): Promise<GlobalCluster[]> {
  const globals: GlobalCluster[] = []
  let marker: string | undefined
  do {
    const out = await rds.client.send(new DescribeGlobalClustersCommand({Marker: marker, MaxRecords: 100}))
    globals.push(...(out.GlobalClusters ?? []))
    marker = out.Marker
  } while (marker)
  return globals
}

export async function topology(rds: Rds, clusterId: string): Promise<Topology> {
  const cluster = await describeCluster(rds, clusterId)
  const instances = await clusterInstances(rds, clusterId)
  return {cluster, instances}
}

export function writerId(cluster: DBCluster): string | undefined {
  return cluster.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier
}

export function isNotFound(error: unknown): boolean {
  return /NotFound/.test((error as {name?: string}).name ?? '')
}
