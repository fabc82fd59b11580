import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  type DBClusterSnapshot,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
} from '@aws-sdk/client-rds'

import type {Rds} from './client.js'
import type {MaybeWait} from './clusters.js'
import {waitUntilSnapshotAvailable} from './wait.js'

/** Takes a manual snapshot of a cluster's volume; with `wait`, returns once it is `available`. */
export async function createSnapshot(rds: Rds, clusterId: string, snapshotId: string, wait: MaybeWait): Promise<DBClusterSnapshot> {
  const out = await rds.client.send(new CreateDBClusterSnapshotCommand({DBClusterIdentifier: clusterId, DBClusterSnapshotIdentifier: snapshotId}))
  return wait ? waitUntilSnapshotAvailable(rds, out.DBClusterSnapshot!.DBClusterSnapshotIdentifier!, wait) : out.DBClusterSnapshot!
}

export async function copySnapshot(rds: Rds, sourceId: string, targetId: string, wait: MaybeWait): Promise<DBClusterSnapshot> {
  const out = await rds.client.send(new CopyDBClusterSnapshotCommand({SourceDBClusterSnapshotIdentifier: sourceId, TargetDBClusterSnapshotIdentifier: targetId}))
  return wait ? waitUntilSnapshotAvailable(rds, out.DBClusterSnapshot!.DBClusterSnapshotIdentifier!, wait) : out.DBClusterSnapshot!
}

export async function deleteSnapshot(rds: Rds, snapshotId: string): Promise<DBClusterSnapshot> {
  const out = await rds.client.send(new DeleteDBClusterSnapshotCommand({DBClusterSnapshotIdentifier: snapshotId}))
  return out.DBClusterSnapshot!
}

export interface SnapshotQuery {
  clusterId?: string
  /** Without a type AWS returns both manual and automated snapshots. */
  type?: 'manual' | 'automated'
}

/** Every cluster snapshot matching the query, following `Marker` pages. */
export async function listSnapshots(rds: Rds, query: SnapshotQuery = {}): Promise<DBClusterSnapshot[]> {
  const snapshots: DBClusterSnapshot[] = []
  let marker: string | undefined
  do {
    const out = await rds.client.send(
      new DescribeDBClusterSnapshotsCommand({DBClusterIdentifier: query.clusterId, SnapshotType: query.type, Marker: marker, MaxRecords: 100}),
    )
    snapshots.push(...(out.DBClusterSnapshots ?? []))
    marker = out.Marker
  } while (marker)
  return snapshots
}
