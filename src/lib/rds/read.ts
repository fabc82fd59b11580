import {
  type DBCluster,
  type DBInstance,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
} from '@aws-sdk/client-rds'

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
