import {
  CreateDBClusterCommand,
  type CreateDBClusterCommandInput,
  CreateDBInstanceCommand,
  type DBCluster,
  type DBInstance,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  FailoverDBClusterCommand,
  ModifyDBClusterCommand,
  type ModifyDBClusterCommandInput,
  ModifyDBInstanceCommand,
  StartDBClusterCommand,
  StopDBClusterCommand,
} from '@aws-sdk/client-rds'

import type {Rds} from './client.js'
import {ClientSideFault} from '../fault.js'
import {placeInstances, nextInstanceIds, readersToRemove} from './placement.js'
import {clusterInstances, describeCluster, topology, writerId} from './read.js'
import {type UsableCondition, waitUntilClusterGone, waitUntilInstancesGone, waitUntilStopped, waitUntilUsable, type WaitSettings} from './wait.js'

/** `wait` undefined means return as soon as the requests are accepted (--no-wait). */
export type MaybeWait = WaitSettings | undefined

export const DEFAULT_INSTANCE_CLASS = 'db.r6g.large'
export const SERVERLESS_CLASS = 'db.serverless'

export interface ClusterSpec {
  id: string
  engine: string
  engineVersion?: string
  instances: number
  instanceClass?: string
  serverless?: {min: number; max: number}
  masterUsername: string
  masterPassword?: string
  manageMasterPassword: boolean
  deletionProtection: boolean
  backupRetention?: number
  backtrackWindowSeconds?: number
  port?: number
}

/** Creates the cluster, then its instances (see populateNewCluster). */
export async function createCluster(rds: Rds, spec: ClusterSpec, wait: MaybeWait): Promise<DBCluster> {
  const input: CreateDBClusterCommandInput = {
    DBClusterIdentifier: spec.id,
    Engine: spec.engine,
    EngineVersion: spec.engineVersion,
    MasterUsername: spec.masterUsername,
    MasterUserPassword: spec.masterPassword,
    ManageMasterUserPassword: spec.manageMasterPassword || undefined,
    DeletionProtection: spec.deletionProtection,
    BackupRetentionPeriod: spec.backupRetention,
    BacktrackWindow: spec.backtrackWindowSeconds,
    Port: spec.port,
    ServerlessV2ScalingConfiguration: spec.serverless ? {MinCapacity: spec.serverless.min, MaxCapacity: spec.serverless.max} : undefined,
  }
  const created = (await rds.client.send(new CreateDBClusterCommand(input))).DBCluster!
  const instanceClass = spec.serverless ? SERVERLESS_CLASS : spec.instanceClass ?? DEFAULT_INSTANCE_CLASS
  return populateNewCluster(rds, created, {count: spec.instances, instanceClass}, wait)
}

export interface NewInstances {
  count: number
  instanceClass: string
}

/**
 * Gives a cluster this command has just created (or restored) its instances, the first
 * becoming the writer, spread over the cluster's AZs, then waits until it is usable. If an
 * instance is refused, the instances and the cluster are deleted again so nothing is left
 * half-built.
 */
export async function populateNewCluster(rds: Rds, created: DBCluster, instances: NewInstances, wait: MaybeWait, usable: UsableCondition = {}): Promise<DBCluster> {
  const clusterId = created.DBClusterIdentifier!
  const ids = nextInstanceIds(clusterId, [], instances.count)
  const zones = placeInstances(created.AvailabilityZones ?? [], [], instances.count)
  try {
    for (const [n, id] of ids.entries()) {
      await rds.client.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          DBClusterIdentifier: clusterId,
          Engine: created.Engine,
          DBInstanceClass: instances.instanceClass,
          AvailabilityZone: zones[n],
        }),
      )
    }
  } catch (error) {
    await rollBackCreate(rds, clusterId, ids)
    throw error
  }
  return wait ? waitUntilUsable(rds, clusterId, wait, usable) : describeCluster(rds, clusterId)
}

async function rollBackCreate(rds: Rds, clusterId: string, instanceIds: string[]): Promise<void> {
  for (const id of instanceIds) {
    await rds.client.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: id, SkipFinalSnapshot: true})).catch(() => undefined)
  }
  await rds.client.send(new DeleteDBClusterCommand({DBClusterIdentifier: clusterId, SkipFinalSnapshot: true})).catch(() => undefined)
}

export type ClusterChanges = Omit<ModifyDBClusterCommandInput, 'DBClusterIdentifier' | 'ApplyImmediately'>

export async function modifyCluster(rds: Rds, id: string, changes: ClusterChanges, wait: MaybeWait): Promise<DBCluster> {
  const out = await rds.client.send(new ModifyDBClusterCommand({DBClusterIdentifier: id, ApplyImmediately: true, ...changes}))
  const newId = out.DBCluster?.DBClusterIdentifier ?? id
  return wait ? waitUntilUsable(rds, newId, wait) : out.DBCluster!
}

export interface ScaleSpec {
  readers?: number
  instanceClass?: string
}

export interface ScaleResult {
  cluster: DBCluster
  added: string[]
  removed: string[]
  modified: string[]
  failedOverTo?: string
}

/**
 * Changes the number of readers and/or every instance's class. A class change keeps
 * the writer serving until the end: readers first, then one failover to an upgraded
 * reader, then the old writer — one short interruption instead of a long one.
 */
export async function scaleCluster(rds: Rds, id: string, spec: ScaleSpec, wait: WaitSettings): Promise<ScaleResult> {
  const result: ScaleResult = {cluster: await waitUntilUsable(rds, id, wait), added: [], removed: [], modified: []}
  if (spec.readers !== undefined) {
    const t = await topology(rds, id)
    const writer = writerId(t.cluster)
    const readers = t.instances.filter((i) => i.DBInstanceIdentifier !== writer)
    if (spec.readers > readers.length) {
      const count = spec.readers - readers.length
      const template = t.instances.find((i) => i.DBInstanceIdentifier === writer) ?? t.instances[0]
      const ids = nextInstanceIds(id, t.instances.map((i) => i.DBInstanceIdentifier!), count)
      const zones = placeInstances(t.cluster.AvailabilityZones ?? [], t.instances.map((i) => i.AvailabilityZone ?? ''), count)
      for (const [n, newId] of ids.entries()) {
        await rds.client.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: newId,
            DBClusterIdentifier: id,
            Engine: t.cluster.Engine,
            DBInstanceClass: spec.instanceClass ?? template?.DBInstanceClass ?? DEFAULT_INSTANCE_CLASS,
            AvailabilityZone: zones[n],
          }),
        )
        result.added.push(newId)
      }
    } else if (spec.readers < readers.length) {
      const victims = readersToRemove(readers, readers.length - spec.readers)
      for (const victim of victims) {
        await rds.client.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: victim}))
        result.removed.push(victim)
      }
      await waitUntilInstancesGone(rds, id, victims, wait)
    }
    result.cluster = await waitUntilUsable(rds, id, wait)
  }
  if (spec.instanceClass) {
    const t = await topology(rds, id)
    const writer = writerId(t.cluster)
    const stale = (i: DBInstance) => i.DBInstanceClass !== spec.instanceClass
    const readers = t.instances.filter((i) => i.DBInstanceIdentifier !== writer && stale(i))
    await modifyClasses(rds, id, readers, spec.instanceClass, wait, result)
    const writerInstance = t.instances.find((i) => i.DBInstanceIdentifier === writer)
    if (writerInstance && stale(writerInstance)) {
      const upgraded = (await clusterInstances(rds, id)).filter((i) => i.DBInstanceIdentifier !== writer && !stale(i))
      if (upgraded.length > 0) {
        const target = [...upgraded].sort((a, b) => (a.PromotionTier ?? 1) - (b.PromotionTier ?? 1))[0].DBInstanceIdentifier!
        await rds.client.send(new FailoverDBClusterCommand({DBClusterIdentifier: id, TargetDBInstanceIdentifier: target}))
        await waitUntilUsable(rds, id, wait, {writerIs: target})
        result.failedOverTo = target
      }
      await modifyClasses(rds, id, [writerInstance], spec.instanceClass, wait, result)
    }
    result.cluster = await waitUntilUsable(rds, id, wait)
  }
  return result
}

async function modifyClasses(rds: Rds, clusterId: string, instances: DBInstance[], instanceClass: string, wait: WaitSettings, result: ScaleResult): Promise<void> {
  if (instances.length === 0) return
  for (const instance of instances) {
    await rds.client.send(
      new ModifyDBInstanceCommand({DBInstanceIdentifier: instance.DBInstanceIdentifier, DBInstanceClass: instanceClass, ApplyImmediately: true}),
    )
    result.modified.push(instance.DBInstanceIdentifier!)
  }
  await waitUntilUsable(rds, clusterId, wait)
}

export interface FailoverResult {
  cluster: DBCluster
  previousWriter?: string
  newWriter?: string
}

export async function failoverCluster(rds: Rds, id: string, target: string | undefined, wait: MaybeWait): Promise<FailoverResult> {
  const before = await describeCluster(rds, id)
  const previousWriter = writerId(before)
  const out = await rds.client.send(new FailoverDBClusterCommand({DBClusterIdentifier: id, TargetDBInstanceIdentifier: target}))
  if (!wait) return {cluster: out.DBCluster!, previousWriter}
  const cluster = await waitUntilUsable(rds, id, wait, target ? {writerIs: target} : {writerNot: previousWriter})
  return {cluster, previousWriter, newWriter: writerId(cluster)}
}

export async function startCluster(rds: Rds, id: string, wait: MaybeWait): Promise<DBCluster> {
  const out = await rds.client.send(new StartDBClusterCommand({DBClusterIdentifier: id}))
  return wait ? waitUntilUsable(rds, id, wait) : out.DBCluster!
}

export async function stopCluster(rds: Rds, id: string, wait: MaybeWait): Promise<DBCluster> {
  const out = await rds.client.send(new StopDBClusterCommand({DBClusterIdentifier: id}))
  return wait ? waitUntilStopped(rds, id, wait) : out.DBCluster!
}

export interface DeleteSpec {
  skipFinalSnapshot: boolean
  finalSnapshotId?: string
}

export interface DeleteResult {
  cluster: DBCluster
  deletedInstances: string[]
  finalSnapshotId?: string
}

/**
 * Deletes every instance, then the cluster (AWS refuses a cluster that still has
 * instances). Deletion protection is checked first, so a protected cluster loses nothing.
 */
export async function deleteCluster(rds: Rds, id: string, spec: DeleteSpec, wait: MaybeWait): Promise<DeleteResult> {
  const t = await topology(rds, id)
  if (t.cluster.DeletionProtection) {
    throw new ClientSideFault('InvalidParameterCombination', `Cannot delete protected Cluster ${id}, please disable deletion protection and try again.`)
  }
  const finalSnapshotId = spec.skipFinalSnapshot ? undefined : spec.finalSnapshotId
  const deletedInstances: string[] = []
  for (const instance of t.instances) {
    if (instance.DBInstanceStatus === 'deleting') continue
    await rds.client.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: instance.DBInstanceIdentifier}))
    deletedInstances.push(instance.DBInstanceIdentifier!)
  }
  const out = await rds.client.send(
    new DeleteDBClusterCommand({DBClusterIdentifier: id, SkipFinalSnapshot: spec.skipFinalSnapshot, FinalDBSnapshotIdentifier: finalSnapshotId}),
  )
  if (wait) await waitUntilClusterGone(rds, id, wait)
  return {cluster: out.DBCluster!, deletedInstances, finalSnapshotId}
}
