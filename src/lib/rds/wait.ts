import type {DBCluster, DBClusterBacktrack, DBClusterSnapshot, GlobalCluster} from '@aws-sdk/client-rds'

import {parseClusterArn} from './arn.js'
import type {Rds} from './client.js'
import {
  clusterInstances,
  describeBacktrack,
  describeCluster,
  describeGlobalCluster,
  describeInstance,
  describeSnapshot,
  isNotFound,
  type Topology,
  topology,
  writerId,
} from './read.js'

export interface WaitSettings {
  timeoutMs: number
  /** Called with a short description of the current state whenever it is polled. */
  onProgress?: (state: string) => void
}

/** Raised when a wait runs out of time; the operation itself goes on. */
export class WaitTimeout extends Error {
  constructor(readonly what: string, readonly lastState: string) {
    super(`timed out waiting for ${what} (last seen: ${lastState})`)
    this.name = 'WaitTimeout'
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function poll<T>(rds: Rds, what: string, settings: WaitSettings, check: () => Promise<{done: boolean; state: string; value?: T}>): Promise<T> {
  const deadline = Date.now() + settings.timeoutMs
  let state = 'unknown'
  for (;;) {
    const result = await check()
    state = result.state
    settings.onProgress?.(state)
    if (result.done) return result.value as T
    if (Date.now() + rds.pollMs > deadline) throw new WaitTimeout(what, state)
    await sleep(rds.pollMs)
  }
}

export function describeState(t: Topology): string {
  const busy = t.instances.filter((i) => i.DBInstanceStatus !== 'available')
  const parts = [`cluster ${t.cluster.Status}`]
  if (busy.length > 0) parts.push(busy.map((i) => `${i.DBInstanceIdentifier} ${i.DBInstanceStatus}`).join(', '))
  else if (t.instances.length > 0) parts.push(`${t.instances.length} instance${t.instances.length === 1 ? '' : 's'} available`)
  return parts.join('; ')
}

export interface UsableCondition {
  /** Failover: usable only once the writer is no longer this instance. */
  writerNot?: string
  /** Failover to a target: usable only once this instance is the writer. */
  writerIs?: string
  /** A global cluster's secondary has no writer: every instance is a reader. */
  secondary?: boolean
}

/**
 * Usable means more than AWS's waiters check: the cluster and every instance are
 * `available`, every instance is a member, and after a failover the writer has changed.
 */
export async function waitUntilUsable(rds: Rds, clusterId: string, settings: WaitSettings, condition: UsableCondition = {}): Promise<DBCluster> {
  return poll(rds, `cluster ${clusterId} to be usable`, settings, async () => {
    const t = await topology(rds, clusterId)
    const writer = writerId(t.cluster)
    const members = new Set(t.cluster.DBClusterMembers?.map((m) => m.DBInstanceIdentifier))
    const done =
      t.cluster.Status === 'available' &&
      t.instances.every((i) => i.DBInstanceStatus === 'available' && members.has(i.DBInstanceIdentifier)) &&
      (t.instances.length === 0 || writer !== undefined || condition.secondary === true) &&
      (condition.writerNot === undefined || (writer !== undefined && writer !== condition.writerNot)) &&
      (condition.writerIs === undefined || writer === condition.writerIs)
    let state = describeState(t)
    if (!done && t.cluster.Status === 'available' && (condition.writerNot || condition.writerIs)) state += `; writer ${writer ?? 'none'}`
    return {done, state, value: t.cluster}
  })
}

export async function waitUntilStopped(rds: Rds, clusterId: string, settings: WaitSettings): Promise<DBCluster> {
  return poll(rds, `cluster ${clusterId} to stop`, settings, async () => {
    const t = await topology(rds, clusterId)
    const done = t.cluster.Status === 'stopped' && t.instances.every((i) => i.DBInstanceStatus === 'stopped')
    return {done, state: describeState(t), value: t.cluster}
  })
}

export async function waitUntilClusterGone(rds: Rds, clusterId: string, settings: WaitSettings): Promise<void> {
  await poll(rds, `cluster ${clusterId} to be deleted`, settings, async () => {
    try {
      const cluster = await describeCluster(rds, clusterId)
      return {done: false, state: `cluster ${cluster.Status}`}
    } catch (error) {
      if (isNotFound(error)) return {done: true, state: 'deleted'}
      throw error
    }
  })
}

export async function waitUntilInstancesGone(rds: Rds, clusterId: string, ids: string[], settings: WaitSettings): Promise<void> {
  const pending = new Set(ids)
  await poll(rds, `instances ${ids.join(', ')} to be deleted`, settings, async () => {
    const present = (await clusterInstances(rds, clusterId)).filter((i) => pending.has(i.DBInstanceIdentifier!))
    const state = present.length === 0 ? 'deleted' : present.map((i) => `${i.DBInstanceIdentifier} ${i.DBInstanceStatus}`).join(', ')
    return {done: present.length === 0, state}
  })
}

export async function waitUntilInstanceAvailable(rds: Rds, id: string, settings: WaitSettings) {
  return poll(rds, `instance ${id} to be available`, settings, async () => {
    const instance = await describeInstance(rds, id)
    return {done: instance.DBInstanceStatus === 'available', state: `${id} ${instance.DBInstanceStatus}`, value: instance}
  })
}

export async function waitUntilSnapshotAvailable(rds: Rds, id: string, settings: WaitSettings): Promise<DBClusterSnapshot> {
  return poll(rds, `snapshot ${id} to be available`, settings, async () => {
    const snapshot = await describeSnapshot(rds, id)
    if (snapshot.Status === 'failed') throw new Error(`Snapshot ${id} failed; see \`auroractl events --cluster ${snapshot.DBClusterIdentifier}\`.`)
    const progress = snapshot.PercentProgress === undefined ? '' : ` (${snapshot.PercentProgress}%)`
    return {done: snapshot.Status === 'available', state: `${id} ${snapshot.Status}${progress}`, value: snapshot}
  })
}

/**
 * A backtrack is done when DescribeDBClusterBacktracks shows it `completed` and the
 * cluster, which was `backtracking` and closed its connections, is `available` again.
 */
export async function waitUntilBacktracked(rds: Rds, clusterId: string, backtrackId: string, settings: WaitSettings): Promise<DBClusterBacktrack> {
  return poll(rds, `backtrack ${backtrackId} of ${clusterId}`, settings, async () => {
    const backtrack = await describeBacktrack(rds, clusterId, backtrackId)
    if (backtrack.Status === 'failed') throw new Error(`Backtrack ${backtrackId} of ${clusterId} failed; see \`auroractl events --cluster ${clusterId}\`.`)
    const cluster = backtrack.Status === 'completed' ? await describeCluster(rds, clusterId) : undefined
    const state = `backtrack ${backtrack.Status}${cluster ? `; cluster ${cluster.Status}` : ''}`
    return {done: cluster?.Status === 'available', state, value: backtrack}
  })
}

export interface GlobalCondition {
  /** After a switchover or failover: this member (by ARN) must be the writer. */
  writerArn?: string
  /** After a detach: this member (by ARN) must have left. */
  withoutArn?: string
  /** After adding a Region: this cluster (by ARN) must be a member. */
  memberArn?: string
}

function describeGlobalState(global: GlobalCluster): string {
  const parts = [`global ${global.Status}`]
  if (global.FailoverState?.Status) parts.push(`failover ${global.FailoverState.Status}`)
  const writer = global.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn
  if (writer) {
    const {region, cluster} = parseClusterArn(writer)
    parts.push(`primary ${cluster} (${region})`)
  }
  return parts.join('; ')
}

/**
 * A global cluster is settled when it is available, no failover or switchover is under way
 * (FailoverState has cleared) and its membership is as the operation left it.
 */
export async function waitUntilGlobalSettled(rds: Rds, id: string, settings: WaitSettings, condition: GlobalCondition = {}): Promise<GlobalCluster> {
  return poll(rds, `global cluster ${id} to settle`, settings, async () => {
    const global = await describeGlobalCluster(rds, id)
    const members = global.GlobalClusterMembers ?? []
    const done =
      global.Status === 'available' &&
      !global.FailoverState?.Status &&
      (condition.writerArn === undefined || members.some((m) => m.DBClusterArn === condition.writerArn && m.IsWriter)) &&
      (condition.withoutArn === undefined || !members.some((m) => m.DBClusterArn === condition.withoutArn)) &&
      (condition.memberArn === undefined || members.some((m) => m.DBClusterArn === condition.memberArn))
    return {done, state: describeGlobalState(global), value: global}
  })
}

export async function waitUntilGlobalGone(rds: Rds, id: string, settings: WaitSettings): Promise<void> {
  await poll(rds, `global cluster ${id} to be deleted`, settings, async () => {
    try {
      return {done: false, state: describeGlobalState(await describeGlobalCluster(rds, id))}
    } catch (error) {
      if (isNotFound(error)) return {done: true, state: 'deleted'}
      throw error
    }
  })
}
