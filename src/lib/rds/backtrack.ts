import {BacktrackDBClusterCommand, type DBCluster, type DBClusterBacktrack, DescribeDBClusterBacktracksCommand} from '@aws-sdk/client-rds'

import {appendToMessage} from '../fault.js'
import {isoTime} from '../iso-time.js'
import {backendNow, type Rds} from './client.js'
import type {MaybeWait} from './clusters.js'
import {describeCluster} from './read.js'
import {waitUntilBacktracked} from './wait.js'

export interface BacktrackSpec {
  to: Date
  /** Needed when binary logging is on; otherwise AWS refuses. */
  force: boolean
  /** Go to the earliest backtrack time when `to` is before it, instead of refusing. */
  earliestIfUnavailable: boolean
}

/**
 * Rewinds an Aurora MySQL cluster in place (no new cluster); with `wait`, returns once the
 * backtrack is `completed` and the cluster is `available` again. A refused time gets the
 * cluster's backtrack window added to the message.
 */
export async function backtrackCluster(rds: Rds, clusterId: string, spec: BacktrackSpec, wait: MaybeWait): Promise<DBClusterBacktrack> {
  let started: DBClusterBacktrack
  try {
    const {$metadata: _metadata, ...backtrack} = await rds.client.send(
      new BacktrackDBClusterCommand({
        DBClusterIdentifier: clusterId,
        BacktrackTo: spec.to,
        Force: spec.force,
        UseEarliestTimeOnPointInTimeUnavailable: spec.earliestIfUnavailable,
      }),
    )
    started = backtrack
  } catch (error) {
    if (isBacktrackTimeRefusal(error)) await appendToMessage(error, async () => backtrackWindow(await describeCluster(rds, clusterId), await backendNow(rds)))
    throw error
  }
  return wait ? waitUntilBacktracked(rds, clusterId, started.BacktrackIdentifier!, wait) : started
}

/** Every backtrack of the cluster, following `Marker` pages. */
export async function listBacktracks(rds: Rds, clusterId: string): Promise<DBClusterBacktrack[]> {
  const backtracks: DBClusterBacktrack[] = []
  let marker: string | undefined
  do {
    const out = await rds.client.send(new DescribeDBClusterBacktracksCommand({DBClusterIdentifier: clusterId, Marker: marker, MaxRecords: 100}))
    backtracks.push(...(out.DBClusterBacktracks ?? []))
    marker = out.Marker
  } while (marker)
  return backtracks
}

function isBacktrackTimeRefusal(error: unknown): boolean {
  const {name = '', message = ''} = error as {name?: string; message?: string}
  return /^(InvalidParameter(Value|Combination)|InvalidDBClusterStateFault)$/.test(name) && /time|backtrack ?to/i.test(message)
}

/** The line added to a refused backtrack time: from the earliest backtrack time to the backend's now. */
export function backtrackWindow(cluster: DBCluster, now: Date): string {
  const id = cluster.DBClusterIdentifier
  if (!cluster.EarliestBacktrackTime) return `Backtrack window for ${id}: none (backtracking is not enabled on it).`
  return `Backtrack window for ${id}: ${isoTime(cluster.EarliestBacktrackTime)} to ${isoTime(now)} (now).`
}
