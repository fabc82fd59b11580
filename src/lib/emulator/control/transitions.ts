import {EVENTS, type EventTemplate} from './events.js'
import {failoverComplete, resyncMember, switchoverSync} from './global.js'
import {acceptsWrites, moveCluster, moveInstance} from './model.js'
import {clusterByResourceId, membersOf, type RegionState} from './regions.js'
import type {ControlState} from './state.js'
import {bestFailoverTarget} from './failover.js'
import {dropBacktracks, finishBacktrack, startBacktrack} from './backtrack.js'
import {expireAutomatedSnapshots, runAutomatedBackup} from './snapshots.js'

/** Scheduled work: each transition completes an intermediate state the request (or a previous transition) entered. */
export type Transition =
  | {type: 'cluster-created'; cluster: string}
  | {type: 'cluster-settled'; cluster: string; engineVersion?: string}
  | {type: 'cluster-stopped'; cluster: string}
  | {type: 'cluster-started'; cluster: string}
  | {type: 'cluster-deleted'; cluster: string}
  | {type: 'instance-created'; instance: string}
  | {type: 'instance-class-applied'; instance: string; instanceClass: string}
  | {type: 'instance-rebooted'; instance: string}
  | {type: 'instance-deleted'; instance: string}
  | {type: 'failover-promote'; cluster: string; target: string}
  | {type: 'failover-complete'; cluster: string; target: string; previousWriter?: string}
  | {type: 'snapshot-created'; snapshot: string}
  | {type: 'automated-backup'; cluster: string}
  | {type: 'backtrack-applying'; backtrack: string}
  | {type: 'backtrack-applied'; backtrack: string}
  | {type: 'global-switchover-sync'; global: string; target: string}
  | {type: 'global-failover-complete'; global: string; oldPrimary: string}
  | {type: 'global-resync'; global: string; region: string; cluster: string}

export interface Timer {
  seq: number
  region: string
  at: number
  transition: Transition
}

/** Completes one scheduled transition; a transition whose resource has gone or moved on does nothing. */
export function applyTransition(state: ControlState, region: RegionState, t: Transition): void {
  switch (t.type) {
    case 'cluster-created': {
      const cluster = clusterByResourceId(region, t.cluster)
      if (!cluster || cluster.status !== 'creating') return
      moveCluster(cluster, 'available')
      state.saveCluster(region, cluster)
      state.emit(region, EVENTS.clusterCreated, cluster.id)
      // The first automated backup follows creation; later ones come daily in the backup window.
      state.schedule(region, state.timing.snapshotCreate, {type: 'automated-backup', cluster: cluster.resourceId})
      return
    }
    case 'cluster-settled': {
      const cluster = clusterByResourceId(region, t.cluster)
      if (!cluster || (cluster.status !== 'modifying' && cluster.status !== 'renaming')) return
      if (t.engineVersion) {
        cluster.engineVersion = t.engineVersion
        delete cluster.pending.EngineVersion
      }
      moveCluster(cluster, 'available')
      state.saveCluster(region, cluster)
      return
    }
    case 'cluster-stopped':
      return settleStopStart(state, region, t.cluster, 'stopping', 'stopped', EVENTS.instanceStopped, EVENTS.clusterStopped)
    case 'cluster-started':
      return settleStopStart(state, region, t.cluster, 'starting', 'available', EVENTS.instanceStarted, EVENTS.clusterStarted)
    case 'cluster-deleted': {
      const cluster = clusterByResourceId(region, t.cluster)
      if (!cluster || cluster.status !== 'deleting') return
      // Instances deleting alongside go with the cluster.
      for (const instance of membersOf(region, cluster)) {
        region.instances.delete(instance.id)
        state.saveInstance(region, instance, true)
        state.emit(region, EVENTS.instanceDeleted, instance.id)
      }
      expireAutomatedSnapshots(state, region, cluster, Number.POSITIVE_INFINITY)
      dropBacktracks(state, region, cluster)
      region.clusters.delete(cluster.id)
      state.saveCluster(region, cluster, true)
      state.emit(region, EVENTS.clusterDeleted, cluster.id)
      return
    }
    case 'instance-created': {
      const instance = region.instances.get(t.instance)
      if (!instance || instance.status !== 'creating') return
      const cluster = region.clusters.get(instance.clusterId)
      moveInstance(instance, 'available')
      // The first instance to become available is the writer; a global secondary has readers only.
      if (cluster && acceptsWrites(cluster) && !membersOf(region, cluster).some((i) => i.isWriter)) instance.isWriter = true
      state.saveInstance(region, instance)
      state.emit(region, EVENTS.instanceCreated, instance.id)
      return
    }
    case 'instance-class-applied': {
      const instance = region.instances.get(t.instance)
      if (!instance || instance.status !== 'modifying') return
      instance.instanceClass = t.instanceClass
      moveInstance(instance, 'available')
      state.saveInstance(region, instance)
      state.emit(region, EVENTS.instanceClassApplied, instance.id)
      return
    }
    case 'instance-rebooted': {
      const instance = region.instances.get(t.instance)
      if (!instance || instance.status !== 'rebooting') return
      moveInstance(instance, 'available')
      state.saveInstance(region, instance)
      state.emit(region, EVENTS.instanceRestarted, instance.id)
      return
    }
    case 'instance-deleted': {
      const instance = region.instances.get(t.instance)
      if (!instance || instance.status !== 'deleting') return
      region.instances.delete(instance.id)
      state.saveInstance(region, instance, true)
      const cluster = region.clusters.get(instance.clusterId)
      if (cluster) {
        cluster.members = cluster.members.filter((id) => id !== instance.id)
        state.saveCluster(region, cluster)
        // Deleting the writer promotes the best remaining replica, as Aurora does.
        if (instance.isWriter) {
          const next = bestFailoverTarget(membersOf(region, cluster), cluster.serverlessV2?.MaxCapacity)
          if (next) {
            next.isWriter = true
            state.saveInstance(region, next)
          }
        }
      }
      state.emit(region, EVENTS.instanceDeleted, instance.id)
      return
    }
    case 'failover-promote': {
      const cluster = clusterByResourceId(region, t.cluster)
      if (!cluster || cluster.status !== 'failing-over') return
      const target = region.instances.get(t.target)
      if (!target || target.clusterId !== cluster.id || target.status !== 'available') {
        moveCluster(cluster, 'available')
        state.saveCluster(region, cluster)
        state.emit(region, EVENTS.failoverFailed, cluster.id)
        return
      }
      const previous = membersOf(region, cluster).find((i) => i.isWriter)
      if (previous) {
        previous.isWriter = false
        // The demoted writer restarts as a reader.
        if (previous.status === 'available') moveInstance(previous, 'rebooting')
        state.saveInstance(region, previous)
      }
      target.isWriter = true
      state.saveInstance(region, target)
      state.schedule(region, state.timing.failoverComplete, {
        type: 'failover-complete', cluster: cluster.resourceId, target: target.id, previousWriter: previous?.id,
      })
      return
    }
    case 'failover-complete': {
      const cluster = clusterByResourceId(region, t.cluster)
      if (!cluster || cluster.status !== 'failing-over') return
      const previous = t.previousWriter ? region.instances.get(t.previousWriter) : undefined
      if (previous && previous.status === 'rebooting') {
        moveInstance(previous, 'available')
        state.saveInstance(region, previous)
      }
      moveCluster(cluster, 'available')
      state.saveCluster(region, cluster)
      state.emit(region, EVENTS.failoverCompleted, cluster.id, t.target)
      return
    }
    case 'snapshot-created': {
      const snapshot = region.snapshots.get(t.snapshot)
      if (!snapshot || snapshot.status === 'available') return
      const wasCreating = snapshot.status === 'creating'
      snapshot.status = 'available'
      state.saveSnapshot(region, snapshot)
      if (wasCreating) state.emit(region, EVENTS.snapshotCreated, snapshot.id)
      return
    }
    case 'automated-backup':
      return runAutomatedBackup(state, region, t.cluster)
    case 'backtrack-applying':
      return startBacktrack(state, region, t.backtrack)
    case 'backtrack-applied':
      return finishBacktrack(state, region, t.backtrack)
    case 'global-switchover-sync':
      return switchoverSync(state, t.global, t.target)
    case 'global-failover-complete':
      return failoverComplete(state, t.global, t.oldPrimary)
    case 'global-resync':
      return resyncMember(state, t.global, t.region, t.cluster)
  }
}

/** A stop or start that has run its course: the cluster and its instances settle together, each with its event. */
function settleStopStart(
  state: ControlState,
  region: RegionState,
  resourceId: string,
  from: 'stopping' | 'starting',
  to: 'stopped' | 'available',
  instanceEvent: EventTemplate,
  clusterEvent: EventTemplate,
): void {
  const cluster = clusterByResourceId(region, resourceId)
  if (!cluster || cluster.status !== from) return
  moveCluster(cluster, to)
  state.saveCluster(region, cluster)
  for (const instance of membersOf(region, cluster)) {
    if (instance.status !== from) continue
    moveInstance(instance, to)
    state.saveInstance(region, instance)
    state.emit(region, instanceEvent, instance.id)
  }
  state.emit(region, clusterEvent, cluster.id)
}
