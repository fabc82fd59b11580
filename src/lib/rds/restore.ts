import {
  type DBCluster,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBClusterToPointInTimeCommand,
  type ServerlessV2ScalingConfiguration,
} from '@aws-sdk/client-rds'

import {appendToMessage} from '../fault.js'
import {isoTime} from '../iso-time.js'
import type {Rds} from './client.js'
import {DEFAULT_INSTANCE_CLASS, type MaybeWait, populateNewCluster, SERVERLESS_CLASS} from './clusters.js'
import {describeCluster, describeInstance, describeSnapshot, writerId} from './read.js'

export interface PointInTimeSpec {
  sourceId: string
  id: string
  /** A time within the source's restorable window, or its latest restorable time. */
  to: Date | 'latest'
  /** copy-on-write makes a clone that shares the source's pages until either side changes them. */
  restoreType: 'full-copy' | 'copy-on-write'
  instances: number
  /** Default: the source writer's class. */
  instanceClass?: string
  backtrackWindowSeconds?: number
}

/**
 * Restores a cluster as it was at a point in time into a new cluster (RestoreDBClusterToPointInTime
 * creates one with no instances), then gives it instances like the source's writer: its class, or
 * db.serverless with the source's Serverless v2 range.
 */
export async function restoreToPointInTime(rds: Rds, spec: PointInTimeSpec, wait: MaybeWait): Promise<DBCluster> {
  const source = await describeCluster(rds, spec.sourceId)
  const scaling = source.ServerlessV2ScalingConfiguration
  const instanceClass = spec.instanceClass ?? (await writerClass(rds, source)) ?? (scaling ? SERVERLESS_CLASS : DEFAULT_INSTANCE_CLASS)
  let created: DBCluster
  try {
    const out = await rds.client.send(
      new RestoreDBClusterToPointInTimeCommand({
        DBClusterIdentifier: spec.id,
        SourceDBClusterIdentifier: spec.sourceId,
        RestoreType: spec.restoreType,
        RestoreToTime: spec.to === 'latest' ? undefined : spec.to,
        UseLatestRestorableTime: spec.to === 'latest' ? true : undefined,
        BacktrackWindow: spec.backtrackWindowSeconds,
        ServerlessV2ScalingConfiguration: scaling ? copyScaling(scaling) : undefined,
      }),
    )
    created = out.DBCluster!
  } catch (error) {
    if (isRestoreTimeRefusal(error)) await appendToMessage(error, async () => restorableWindow(await describeCluster(rds, spec.sourceId)))
    throw error
  }
  return populateNewCluster(rds, created, {count: spec.instances, instanceClass}, wait)
}

/** The class of a cluster's writer, which new instances like it take. */
export async function writerClass(rds: Rds, cluster: DBCluster): Promise<string | undefined> {
  const writer = writerId(cluster)
  return writer ? (await describeInstance(rds, writer)).DBInstanceClass : undefined
}

export function copyScaling(s: ServerlessV2ScalingConfiguration): ServerlessV2ScalingConfiguration {
  return {MinCapacity: s.MinCapacity, MaxCapacity: s.MaxCapacity, SecondsUntilAutoPause: s.SecondsUntilAutoPause}
}

export interface SnapshotRestoreSpec {
  snapshotId: string
  id: string
  instances: number
  /** Default db.r6g.large, as cluster create; db.serverless when `serverless` is given. */
  instanceClass?: string
  serverless?: {min: number; max: number}
  backtrackWindowSeconds?: number
}

/** Restores a snapshot into a new cluster with the snapshot's engine and version, then adds its instances. */
export async function restoreFromSnapshot(rds: Rds, spec: SnapshotRestoreSpec, wait: MaybeWait): Promise<DBCluster> {
  const snapshot = await describeSnapshot(rds, spec.snapshotId)
  const out = await rds.client.send(
    new RestoreDBClusterFromSnapshotCommand({
      DBClusterIdentifier: spec.id,
      SnapshotIdentifier: spec.snapshotId,
      Engine: snapshot.Engine,
      EngineVersion: snapshot.EngineVersion,
      BacktrackWindow: spec.backtrackWindowSeconds,
      ServerlessV2ScalingConfiguration: spec.serverless ? {MinCapacity: spec.serverless.min, MaxCapacity: spec.serverless.max} : undefined,
    }),
  )
  const instanceClass = spec.serverless ? SERVERLESS_CLASS : spec.instanceClass ?? DEFAULT_INSTANCE_CLASS
  return populateNewCluster(rds, out.DBCluster!, {count: spec.instances, instanceClass}, wait)
}

/** AWS refuses a time outside the window with InvalidRestoreFault, or InvalidParameterValue naming the restore time. */
function isRestoreTimeRefusal(error: unknown): boolean {
  const {name = '', message = ''} = error as {name?: string; message?: string}
  return name === 'InvalidRestoreFault' || (/^InvalidParameter(Value|Combination)$/.test(name) && /restor/i.test(message) && /time/i.test(message))
}

/** The line added to a refused restore time, so the next try can pick a time that works. */
export function restorableWindow(cluster: DBCluster): string {
  return `Restorable window for ${cluster.DBClusterIdentifier}: ${isoTime(cluster.EarliestRestorableTime)} to ${isoTime(cluster.LatestRestorableTime)}.`
}
