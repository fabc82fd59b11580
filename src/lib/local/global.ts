import {isNotFound} from '../rds/read.js'
import {adminCall} from './admin.js'

type Started = (endpoint: string, pid: number) => void

/** One secondary Region's replication from the primary, as the local emulator measures it. */
export interface SecondaryReplication {
  region: string
  cluster: string
  role: string
  /** The replication figures are absent while a member has no stream (waiting for a resync). */
  lagMs?: number
  /** How many LSNs the secondary is behind the primary's durable point. */
  lagLsn?: number
  linkUp?: boolean
  bytesShipped?: number
  commitsShipped?: number
  /** Commit on the primary → applied on the secondary, over the recent commits. */
  replicationLag?: {samples: number; p50Ms?: number; p99Ms?: number; maxMs?: number}
}

/** What the last unplanned failover dropped: commits acknowledged on the old primary past the new one's point. */
export interface LostCommitReport {
  lostCommits: number
  /** The primary's LSNs of the lost commits (none when nothing was lost). */
  fromLsn?: number
  toLsn?: number
  at: string
  fromDbClusterArn: string
  toDbClusterArn: string
}

export interface GlobalReplicationReport {
  /** The global writer endpoint on this machine: it follows the primary. */
  writerEndpoint?: {host: string; port: number}
  secondaries: SecondaryReplication[]
  lastFailover?: LostCommitReport
}

/**
 * The local emulator's replication report for a global cluster; undefined where the daemon has
 * none (an emulator without global replication, or no such global cluster), so callers leave it out.
 */
export async function globalReplication(id: string, onDaemonStarted?: Started): Promise<GlobalReplicationReport | undefined> {
  try {
    return await adminCall<GlobalReplicationReport>('global', {query: {id}, onDaemonStarted})
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

/** The emulated network link between two Regions. */
export interface RegionLink {
  a: string
  b: string
  latencyMs: number
  up: boolean
}

export function listLinks(onDaemonStarted?: Started): Promise<RegionLink[]> {
  return adminCall('links', {onDaemonStarted})
}

export function setLink(a: string, b: string, change: {latencyMs?: number; up?: boolean}, onDaemonStarted?: Started): Promise<RegionLink> {
  return adminCall('link', {method: 'POST', body: {a, b, ...change}, onDaemonStarted})
}
