import {CreateDBInstanceCommand, type DBInstance, DeleteDBInstanceCommand, ModifyDBInstanceCommand, RebootDBInstanceCommand} from '@aws-sdk/client-rds'

import type {Rds} from './client.js'
import {DEFAULT_INSTANCE_CLASS, type MaybeWait, SERVERLESS_CLASS} from './clusters.js'
import {nextInstanceIds, placeInstances} from './placement.js'
import {describeInstance, topology, writerId} from './read.js'
import {waitUntilInstanceAvailable, waitUntilInstancesGone, waitUntilUsable} from './wait.js'

export interface NewInstance {
  id?: string
  instanceClass?: string
  promotionTier?: number
  availabilityZone?: string
}

/** Adds an instance to a cluster: by default the writer's class, in the least-populated AZ. */
export async function addInstance(rds: Rds, clusterId: string, spec: NewInstance, wait: MaybeWait): Promise<DBInstance> {
  const t = await topology(rds, clusterId)
  const writer = t.instances.find((i) => i.DBInstanceIdentifier === writerId(t.cluster)) ?? t.instances[0]
  const id = spec.id ?? nextInstanceIds(clusterId, t.instances.map((i) => i.DBInstanceIdentifier!), 1)[0]
  const out = await rds.client.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBClusterIdentifier: clusterId,
      Engine: t.cluster.Engine,
      DBInstanceClass: spec.instanceClass ?? writer?.DBInstanceClass ?? (t.cluster.ServerlessV2ScalingConfiguration ? SERVERLESS_CLASS : DEFAULT_INSTANCE_CLASS),
      PromotionTier: spec.promotionTier,
      AvailabilityZone: spec.availabilityZone ?? placeInstances(t.cluster.AvailabilityZones ?? [], t.instances.map((i) => i.AvailabilityZone ?? ''), 1)[0],
    }),
  )
  if (!wait) return out.DBInstance!
  await waitUntilUsable(rds, clusterId, wait)
  return describeInstance(rds, out.DBInstance!.DBInstanceIdentifier!)
}

export interface InstanceChanges {
  instanceClass?: string
  promotionTier?: number
}

export async function modifyInstance(rds: Rds, id: string, changes: InstanceChanges, wait: MaybeWait): Promise<DBInstance> {
  const out = await rds.client.send(
    new ModifyDBInstanceCommand({DBInstanceIdentifier: id, DBInstanceClass: changes.instanceClass, PromotionTier: changes.promotionTier, ApplyImmediately: true}),
  )
  return wait ? waitUntilInstanceAvailable(rds, id, wait) : out.DBInstance!
}

export async function removeInstance(rds: Rds, id: string, wait: MaybeWait): Promise<DBInstance> {
  const out = await rds.client.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: id}))
  if (wait && out.DBInstance?.DBClusterIdentifier) await waitUntilInstancesGone(rds, out.DBInstance.DBClusterIdentifier, [id], wait)
  return out.DBInstance!
}

export async function rebootInstance(rds: Rds, id: string, wait: MaybeWait): Promise<DBInstance> {
  const out = await rds.client.send(new RebootDBInstanceCommand({DBInstanceIdentifier: id}))
  return wait ? waitUntilInstanceAvailable(rds, id, wait) : out.DBInstance!
}
