import {instanceClassMemoryGiB, SERVERLESS_CLASS} from './engines.js'
import {EVENTS} from './events.js'
import {invalidDbClusterState, invalidDbInstanceState, invalidParameterValue} from './faults.js'
import {acceptsWrites, moveCluster, requireClusterStatus, type Instance} from './model.js'
import {findCluster, membersOf} from './regions.js'
import type {ControlState} from './state.js'
import {clusterView, type ClusterView} from './views.js'

/** Aurora's choice of a new writer: available replicas, lowest promotion tier, then largest class, then any. */
export function bestFailoverTarget(candidates: Instance[], serverlessMaxAcu = 0): Instance | undefined {
  // Serverless v2 capacity is compared by memory: 1 ACU is about 2 GiB (AURORA_FACTS §5).
  const memory = (i: Instance) =>
    i.instanceClass === SERVERLESS_CLASS ? serverlessMaxAcu * 2 : instanceClassMemoryGiB(i.instanceClass) ?? 0
  return candidates
    .filter((i) => i.status === 'available' && !i.isWriter)
    .sort((a, b) => a.promotionTier - b.promotionTier || memory(b) - memory(a) || a.id.localeCompare(b.id))[0]
}

/** FailoverDBCluster: `failing-over`, then the target is promoted and the old writer reboots as a reader (transitions.ts). */
export function failoverDBCluster(state: ControlState, regionName: string, input: {DBClusterIdentifier: string; TargetDBInstanceIdentifier?: string}): () => ClusterView {
  const region = state.region(regionName)
  const cluster = findCluster(region, input.DBClusterIdentifier)
  requireClusterStatus(cluster, ['available'])
  if (!acceptsWrites(cluster)) {
    // A global secondary has no writer to fail over from: it is promoted by FailoverGlobalCluster or SwitchoverGlobalCluster.
    throw invalidDbClusterState(`DB cluster ${cluster.id} is a secondary cluster of global cluster ${cluster.global?.id}; it has no writer to fail over.`)
  }
  const members = membersOf(region, cluster)
  if (members.length < 2) {
    throw invalidDbClusterState(`Database cluster:${cluster.id} should have at least two database instances for failover`)
  }
  const writer = members.find((i) => i.isWriter)
  let target: Instance | undefined
  if (input.TargetDBInstanceIdentifier !== undefined) {
    const targetId = input.TargetDBInstanceIdentifier.toLowerCase()
    target = members.find((i) => i.id === targetId)
    if (!target) throw invalidParameterValue(`Cannot find target instance: ${input.TargetDBInstanceIdentifier}`)
    if (target.isWriter) {
      throw invalidParameterValue(`The target instance ${target.id} is already the writer of cluster ${cluster.id}.`)
    }
    if (target.status !== 'available') {
      throw invalidDbInstanceState(`Instance ${target.id} should be in valid state for failover.`)
    }
  } else {
    target = bestFailoverTarget(members, cluster.serverlessV2?.MaxCapacity)
    if (!target) {
      throw invalidDbClusterState(
        `Database cluster:${cluster.id} should have at least two database instances in valid states or a valid target instance for failover.`,
      )
    }
  }
  moveCluster(cluster, 'failing-over')
  state.saveCluster(region, cluster)
  const sameAz = writer !== undefined && writer.availabilityZone === target.availabilityZone
  state.emit(region, sameAz ? EVENTS.failoverStartedSameAz : EVENTS.failoverStartedCrossAz, cluster.id, target.id)
  state.schedule(region, state.timing.failoverPromote, {type: 'failover-promote', cluster: cluster.resourceId, target: target.id})
  return () => clusterView(region, cluster, state.now)
}
