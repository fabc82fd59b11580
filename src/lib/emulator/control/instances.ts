import {isKnownInstanceClass, licenseModel, resolveEngineVersion, SERVERLESS_CLASS} from './engines.js'
import {EVENTS} from './events.js'
import {
  dbInstanceAlreadyExists, instanceQuotaExceeded, invalidDbClusterState, invalidParameterCombination, invalidParameterValue,
} from './faults.js'
import {moveInstance, requireClusterStatus, requireInstanceStatus, type Cluster, type Instance, type Tag} from './model.js'
import {paginate, stripArn, validateMaxRecords, type Filter, type Page, type PageOf} from './paging.js'
import {availabilityZones, findCluster, findInstance, membersOf} from './regions.js'
import type {ControlState} from './state.js'
import {validateIdentifier, validatePromotionTier, validateTags} from './validation.js'
import {instanceView, type InstanceView} from './views.js'

// Instance operations. Each validates everything before it mutates and returns a function that builds its reply.

/** A cluster has at most one writer and 15 Aurora Replicas. */
const MAX_INSTANCES_PER_CLUSTER = 16

export interface CreateDBInstanceInput {
  DBInstanceIdentifier: string
  DBInstanceClass: string
  Engine: string
  EngineVersion?: string
  DBClusterIdentifier?: string
  AvailabilityZone?: string
  PromotionTier?: number
  Tags?: Tag[]
}

export interface ModifyDBInstanceInput {
  DBInstanceIdentifier: string
  DBInstanceClass?: string
  PromotionTier?: number
  ApplyImmediately?: boolean
}

export function createDBInstance(state: ControlState, regionName: string, input: CreateDBInstanceInput): () => InstanceView {
  const id = validateIdentifier('DBInstanceIdentifier', input.DBInstanceIdentifier)
  resolveEngineVersion(input.Engine, undefined)
  if (input.DBClusterIdentifier === undefined) {
    throw invalidParameterValue('The parameter DBClusterIdentifier must be provided for Aurora DB instances.')
  }
  const region = state.region(regionName)
  const cluster = findCluster(region, input.DBClusterIdentifier)
  if (input.Engine !== cluster.engine) {
    throw invalidParameterCombination(
      `The engine name requested for your DB instance (${input.Engine}) doesn't match the engine name of your DB cluster (${cluster.engine}).`,
    )
  }
  if (input.EngineVersion !== undefined && input.EngineVersion !== cluster.engineVersion) {
    throw invalidParameterCombination(
      `The engine version requested for your DB instance (${input.EngineVersion}) doesn't match the engine version of your DB cluster (${cluster.engineVersion}).`,
    )
  }
  requireClusterStatus(cluster, ['creating', 'available', 'modifying'])
  validateInstanceClass(cluster, input.DBInstanceClass)
  if (input.PromotionTier !== undefined) validatePromotionTier(input.PromotionTier)
  const zones = availabilityZones(regionName)
  if (input.AvailabilityZone !== undefined && !zones.includes(input.AvailabilityZone)) {
    throw invalidParameterValue(`Invalid availability zone: ${input.AvailabilityZone}`)
  }
  validateTags(input.Tags)
  if (region.instances.has(id)) throw dbInstanceAlreadyExists()
  const members = membersOf(region, cluster)
  if (members.length >= MAX_INSTANCES_PER_CLUSTER) {
    throw instanceQuotaExceeded(
      `DB cluster ${cluster.id} already has ${members.length} DB instances; a cluster has at most one writer and 15 Aurora Replicas.`,
    )
  }

  const instance: Instance = {
    id,
    resourceId: `db-${state.prng.fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 26)}`,
    clusterId: cluster.id,
    status: 'creating',
    instanceClass: input.DBInstanceClass,
    availabilityZone: input.AvailabilityZone ?? leastPopulatedZone(zones, members),
    promotionTier: input.PromotionTier ?? 1,
    isWriter: false,
    createdAt: state.at,
    tags: input.Tags ?? [],
  }
  region.instances.set(id, instance)
  cluster.members.push(id)
  state.saveInstance(region, instance)
  state.saveCluster(region, cluster)
  state.schedule(region, state.timing.instanceCreate, {type: 'instance-created', instance: id})
  return () => instanceView(region, instance)
}

export function describeDBInstances(state: ControlState, regionName: string, input: {DBInstanceIdentifier?: string; Filters?: Filter[]} & Page): PageOf<InstanceView> {
  const maxRecords = validateMaxRecords(input.MaxRecords)
  const region = state.region(regionName)
  let instances = input.DBInstanceIdentifier !== undefined
    ? [findInstance(region, input.DBInstanceIdentifier)] : [...region.instances.values()]
  for (const filter of input.Filters ?? []) {
    const values = filter.Values
    switch (filter.Name) {
      case 'db-cluster-id':
        instances = instances.filter((i) => values.some((v) => stripArn(v).toLowerCase() === i.clusterId))
        break
      case 'db-instance-id':
        instances = instances.filter((i) => values.some((v) => stripArn(v).toLowerCase() === i.id))
        break
      case 'dbi-resource-id':
        instances = instances.filter((i) => values.includes(i.resourceId))
        break
      case 'engine':
        instances = instances.filter((i) => values.includes(region.clusters.get(i.clusterId)?.engine ?? ''))
        break
      default:
        throw invalidParameterValue(`Unrecognized filter name: ${filter.Name}.`)
    }
  }
  const page = paginate(instances, (i) => i.id, maxRecords, input.Marker)
  return {items: page.items.map((i) => instanceView(region, i)), marker: page.marker}
}

export function modifyDBInstance(state: ControlState, regionName: string, input: ModifyDBInstanceInput): () => InstanceView {
  const region = state.region(regionName)
  const instance = findInstance(region, input.DBInstanceIdentifier)
  requireInstanceStatus(instance, ['available'])
  const cluster = region.clusters.get(instance.clusterId) as Cluster
  const newClass = input.DBInstanceClass !== undefined && input.DBInstanceClass !== instance.instanceClass
    ? input.DBInstanceClass : undefined
  if (newClass !== undefined) validateInstanceClass(cluster, newClass)
  if (input.PromotionTier !== undefined) validatePromotionTier(input.PromotionTier)

  // A tier change takes effect at once and never fails over.
  if (input.PromotionTier !== undefined) instance.promotionTier = input.PromotionTier
  if (newClass !== undefined) {
    if (input.ApplyImmediately) {
      delete instance.pendingInstanceClass
      moveInstance(instance, 'modifying')
      state.emit(region, EVENTS.instanceClassApplying, instance.id)
      state.schedule(region, state.timing.instanceModifyClass, {type: 'instance-class-applied', instance: instance.id, instanceClass: newClass})
    } else {
      // Without ApplyImmediately a class change waits for the maintenance window.
      instance.pendingInstanceClass = newClass
    }
  }
  state.saveInstance(region, instance)
  return () => instanceView(region, instance)
}

export function deleteDBInstance(state: ControlState, regionName: string, input: {DBInstanceIdentifier: string}): () => InstanceView {
  const region = state.region(regionName)
  const instance = findInstance(region, input.DBInstanceIdentifier)
  requireInstanceStatus(instance, ['available', 'stopped'])
  moveInstance(instance, 'deleting')
  state.saveInstance(region, instance)
  const view = instanceView(region, instance)
  state.schedule(region, state.timing.instanceDelete, {type: 'instance-deleted', instance: instance.id})
  return () => view
}

export function rebootDBInstance(state: ControlState, regionName: string, input: {DBInstanceIdentifier: string}): () => InstanceView {
  const region = state.region(regionName)
  const instance = findInstance(region, input.DBInstanceIdentifier)
  requireInstanceStatus(instance, ['available'])
  moveInstance(instance, 'rebooting')
  state.saveInstance(region, instance)
  state.schedule(region, state.timing.instanceReboot, {type: 'instance-rebooted', instance: instance.id})
  return () => instanceView(region, instance)
}

function validateInstanceClass(cluster: Cluster, instanceClass: string): void {
  if (!isKnownInstanceClass(instanceClass)) {
    throw invalidParameterCombination(
      `RDS does not support creating a DB instance with the following combination: DBInstanceClass=${instanceClass}, ` +
        `Engine=${cluster.engine}, EngineVersion=${cluster.engineVersion}, LicenseModel=${licenseModel(cluster.engine)}. ` +
        'For supported combinations of instance class and database engine version, see the documentation.',
    )
  }
  if (instanceClass === SERVERLESS_CLASS && !cluster.serverlessV2) {
    throw invalidDbClusterState(
      'Set the Serverless v2 scaling configuration on the parent DB cluster before creating a Serverless v2 DB instance.',
    )
  }
}

/** New instances go to the AZ with the fewest of the cluster's instances (the first such AZ on a tie). */
function leastPopulatedZone(zones: string[], members: Instance[]): string {
  const counts = zones.map((z) => members.filter((i) => i.availabilityZone === z).length)
  return zones[counts.indexOf(Math.min(...counts))]
}
