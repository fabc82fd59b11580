import type {Prng} from '../prng.js'
import {compareVersions, defaultPort, resolveEngineVersion, type EngineVersionInfo} from './engines.js'
import {EVENTS} from './events.js'
import {detachDeletedPrimary, joinGlobalCluster, leaveOnDelete, planGlobalMembership} from './global.js'
import {
  dbClusterAlreadyExists, dbClusterSnapshotAlreadyExists, invalidDbClusterState,
  invalidParameterCombination, invalidParameterValue,
} from './faults.js'
import {
  moveCluster, moveInstance, requireClusterStatus, requireInstanceStatus, type Cluster,
  type ServerlessV2Scaling, type Tag,
} from './model.js'
import {paginate, stripArn, validateMaxRecords, type Filter, type Page, type PageOf} from './paging.js'
import {availabilityZones, findCluster, membersOf, type RegionState} from './regions.js'
import {takeFinalSnapshot} from './snapshots.js'
import type {ControlState} from './state.js'
import {
  validateBackupRetentionPeriod, validateBacktrackWindow, validateBackupWindow, validateDatabaseName, validateIdentifier,
  validateMaintenanceWindow, validateMasterCredentialChoice, validateMasterUsername, validatePort, validateServerlessV2, validateTags,
} from './validation.js'
import {clusterView, type ClusterView} from './views.js'

// Cluster operations. Each validates everything before it mutates and returns a function that builds its reply.

export interface CreateDBClusterInput {
  DBClusterIdentifier: string
  GlobalClusterIdentifier?: string
  Engine: string
  EngineVersion?: string
  MasterUsername?: string
  MasterUserPassword?: string
  ManageMasterUserPassword?: boolean
  DatabaseName?: string
  Port?: number
  AvailabilityZones?: string[]
  BackupRetentionPeriod?: number
  BacktrackWindow?: number
  DeletionProtection?: boolean
  StorageEncrypted?: boolean
  ServerlessV2ScalingConfiguration?: {MinCapacity?: number; MaxCapacity?: number; SecondsUntilAutoPause?: number}
  PreferredBackupWindow?: string
  PreferredMaintenanceWindow?: string
  VpcSecurityGroupIds?: string[]
  Tags?: Tag[]
  EngineMode?: string
}

export interface ModifyDBClusterInput {
  DBClusterIdentifier: string
  NewDBClusterIdentifier?: string
  ApplyImmediately?: boolean
  BackupRetentionPeriod?: number
  BacktrackWindow?: number
  DeletionProtection?: boolean
  ServerlessV2ScalingConfiguration?: {MinCapacity?: number; MaxCapacity?: number; SecondsUntilAutoPause?: number}
  EngineVersion?: string
  AllowMajorVersionUpgrade?: boolean
  Port?: number
  MasterUserPassword?: string
  ManageMasterUserPassword?: boolean
  PreferredBackupWindow?: string
  PreferredMaintenanceWindow?: string
}

export function createDBCluster(state: ControlState, regionName: string, input: CreateDBClusterInput): () => ClusterView {
  const id = validateIdentifier('DBClusterIdentifier', input.DBClusterIdentifier)
  const plan = input.GlobalClusterIdentifier !== undefined
    ? planGlobalMembership(state, regionName, {...input, GlobalClusterIdentifier: input.GlobalClusterIdentifier}) : undefined
  // A secondary runs the global cluster's version and takes its credentials and data from the primary.
  const version = resolveEngineVersion(input.Engine, input.EngineVersion ?? plan?.global.engineVersion)
  const engine = version.engine
  const primary = plan?.primary?.cluster
  if (input.EngineMode !== undefined && input.EngineMode !== 'provisioned') {
    throw invalidParameterValue(`The engine mode ${input.EngineMode} you requested is currently unavailable.`)
  }
  const masterUsername = primary ? primary.masterUsername : input.MasterUsername
  if (masterUsername === undefined || masterUsername === '') {
    throw invalidParameterValue('The parameter MasterUsername must be provided and must not be blank.')
  }
  if (!primary) {
    validateMasterUsername(engine, masterUsername)
    validateMasterCredentialChoice(engine, input.MasterUserPassword, input.ManageMasterUserPassword, true)
  }
  const masterUserPassword = primary ? primary.masterUserPassword : input.MasterUserPassword
  const databaseName = primary ? primary.databaseName : input.DatabaseName ?? plan?.global.databaseName
  if (input.DatabaseName !== undefined) validateDatabaseName(input.DatabaseName)
  if (input.BackupRetentionPeriod !== undefined) validateBackupRetentionPeriod(input.BackupRetentionPeriod)
  if (input.BacktrackWindow !== undefined) validateBacktrackWindow(engine, input.BacktrackWindow)
  if (input.Port !== undefined) validatePort(input.Port)
  const serverlessV2 = input.ServerlessV2ScalingConfiguration
    ? validateServerlessV2(input.ServerlessV2ScalingConfiguration) : undefined
  if (input.PreferredBackupWindow !== undefined) validateBackupWindow(input.PreferredBackupWindow)
  if (input.PreferredMaintenanceWindow !== undefined) validateMaintenanceWindow(input.PreferredMaintenanceWindow)
  const zones = availabilityZones(regionName)
  for (const az of input.AvailabilityZones ?? []) {
    if (!zones.includes(az)) throw invalidParameterValue(`Invalid availability zone: ${az}`)
  }
  validateTags(input.Tags)
  const region = state.region(regionName)
  if (region.clusters.has(id)) throw dbClusterAlreadyExists()

  const cluster: Cluster = {
    id,
    resourceId: newClusterResourceId(state.prng),
    status: 'creating',
    engine,
    engineVersion: version.version,
    port: input.Port ?? defaultPort(engine),
    masterUsername,
    ...(masterUserPassword !== undefined ? {masterUserPassword} : {}),
    ...(input.ManageMasterUserPassword ? {masterUserSecretArn: secretArn(state.prng, regionName)} : {}),
    ...(databaseName !== undefined ? {databaseName} : {}),
    availabilityZones: zones,
    backupRetentionPeriod: input.BackupRetentionPeriod ?? 1,
    ...(engine === 'aurora-mysql' && input.BacktrackWindow !== undefined ? {backtrackWindow: input.BacktrackWindow} : {}),
    deletionProtection: input.DeletionProtection ?? false,
    ...(serverlessV2 ? {serverlessV2} : {}),
    storageEncrypted: input.StorageEncrypted ?? plan?.global.storageEncrypted ?? false,
    preferredBackupWindow: input.PreferredBackupWindow ?? randomBackupWindow(state.prng),
    preferredMaintenanceWindow: input.PreferredMaintenanceWindow?.toLowerCase() ?? randomMaintenanceWindow(state.prng),
    vpcSecurityGroupIds: input.VpcSecurityGroupIds ?? [],
    tags: input.Tags ?? [],
    createdAt: state.at,
    pending: {},
    members: [],
  }
  region.clusters.set(id, cluster)
  state.saveCluster(region, cluster)
  if (plan) joinGlobalCluster(state, region, cluster, plan)
  state.schedule(region, state.timing.clusterCreate, {type: 'cluster-created', cluster: cluster.resourceId})
  return () => clusterView(region, cluster, state.now)
}

export function describeDBClusters(state: ControlState, regionName: string, input: {DBClusterIdentifier?: string; Filters?: Filter[]} & Page): PageOf<ClusterView> {
  const maxRecords = validateMaxRecords(input.MaxRecords)
  const region = state.region(regionName)
  let clusters = input.DBClusterIdentifier !== undefined
    ? [findCluster(region, input.DBClusterIdentifier)] : [...region.clusters.values()]
  for (const filter of input.Filters ?? []) {
    const values = filter.Values
    switch (filter.Name) {
      case 'db-cluster-id':
        clusters = clusters.filter((c) => values.some((v) => stripArn(v).toLowerCase() === c.id))
        break
      case 'db-cluster-resource-id':
        clusters = clusters.filter((c) => values.includes(c.resourceId))
        break
      case 'engine':
        clusters = clusters.filter((c) => values.includes(c.engine))
        break
      default:
        throw invalidParameterValue(`Unrecognized filter name: ${filter.Name}.`)
    }
  }
  const page = paginate(clusters, (c) => c.id, maxRecords, input.Marker)
  return {items: page.items.map((c) => clusterView(region, c, state.now)), marker: page.marker}
}

export function modifyDBCluster(state: ControlState, regionName: string, input: ModifyDBClusterInput): () => ClusterView {
  const region = state.region(regionName)
  const cluster = findCluster(region, input.DBClusterIdentifier)
  requireClusterStatus(cluster, ['available'])
  const engine = cluster.engine
  if (input.BackupRetentionPeriod !== undefined) validateBackupRetentionPeriod(input.BackupRetentionPeriod)
  if (input.BacktrackWindow !== undefined) {
    validateBacktrackWindow(engine, input.BacktrackWindow)
    // Backtrack is enabled at create or restore; a window of 0 turns it off for good (AURORA_FACTS §8).
    if (input.BacktrackWindow > 0 && !cluster.backtrackWindow) {
      throw invalidParameterCombination(
        `Backtrack is not enabled for ${cluster.id}: it can only be enabled when a cluster is created or restored.`,
      )
    }
  }
  if (input.Port !== undefined) validatePort(input.Port)
  if (input.PreferredBackupWindow !== undefined) validateBackupWindow(input.PreferredBackupWindow)
  if (input.PreferredMaintenanceWindow !== undefined) validateMaintenanceWindow(input.PreferredMaintenanceWindow)
  let serverlessV2: ServerlessV2Scaling | undefined
  if (input.ServerlessV2ScalingConfiguration) {
    const requested = input.ServerlessV2ScalingConfiguration
    serverlessV2 = validateServerlessV2({
      MinCapacity: requested.MinCapacity ?? cluster.serverlessV2?.MinCapacity,
      MaxCapacity: requested.MaxCapacity ?? cluster.serverlessV2?.MaxCapacity,
      SecondsUntilAutoPause: requested.SecondsUntilAutoPause,
    })
  }
  const targetVersion = input.EngineVersion !== undefined && input.EngineVersion !== cluster.engineVersion
    ? validateUpgrade(cluster, input.EngineVersion, input.AllowMajorVersionUpgrade ?? false) : undefined
  if (input.MasterUserPassword !== undefined || input.ManageMasterUserPassword !== undefined) {
    validateMasterCredentialChoice(engine, input.MasterUserPassword, input.ManageMasterUserPassword, false)
    if (input.ManageMasterUserPassword === false && cluster.masterUserSecretArn && input.MasterUserPassword === undefined) {
      throw invalidParameterCombination(
        'You must specify MasterUserPassword when you turn off ManageMasterUserPassword for the DB cluster.',
      )
    }
  }
  let newId: string | undefined
  if (input.NewDBClusterIdentifier !== undefined) {
    newId = validateIdentifier('NewDBClusterIdentifier', input.NewDBClusterIdentifier)
    if (newId === cluster.id) newId = undefined
    else if (region.clusters.has(newId)) throw dbClusterAlreadyExists()
  }

  const applyNow = input.ApplyImmediately ?? false
  if (input.BackupRetentionPeriod !== undefined) cluster.backupRetentionPeriod = input.BackupRetentionPeriod
  if (input.BacktrackWindow !== undefined) cluster.backtrackWindow = input.BacktrackWindow
  if (input.DeletionProtection !== undefined) cluster.deletionProtection = input.DeletionProtection
  if (serverlessV2) cluster.serverlessV2 = serverlessV2
  if (input.PreferredBackupWindow !== undefined) cluster.preferredBackupWindow = input.PreferredBackupWindow
  if (input.PreferredMaintenanceWindow !== undefined) cluster.preferredMaintenanceWindow = input.PreferredMaintenanceWindow.toLowerCase()
  let status: 'modifying' | 'renaming' | undefined
  if (input.Port !== undefined && input.Port !== cluster.port) {
    cluster.port = input.Port
    status = 'modifying'
  }
  // Password changes are applied as soon as possible regardless of ApplyImmediately.
  if (input.MasterUserPassword !== undefined) {
    cluster.masterUserPassword = input.MasterUserPassword
    status = 'modifying'
    state.emit(region, EVENTS.masterCredentialsReset, cluster.id)
  }
  if (input.ManageMasterUserPassword === true && !cluster.masterUserSecretArn) {
    cluster.masterUserSecretArn = secretArn(state.prng, regionName)
    delete cluster.masterUserPassword
    status = 'modifying'
  } else if (input.ManageMasterUserPassword === false && cluster.masterUserSecretArn) {
    delete cluster.masterUserSecretArn
    status = 'modifying'
  }
  if (targetVersion) {
    cluster.pending.EngineVersion = targetVersion.version
    if (applyNow) status = 'modifying'
  }
  if (newId !== undefined) {
    if (applyNow) {
      renameCluster(state, region, cluster, newId)
      status = 'renaming'
    } else {
      cluster.pending.DBClusterIdentifier = newId
    }
  }
  if (status) {
    moveCluster(cluster, status)
    const delay = status === 'renaming' ? state.timing.clusterRename : state.timing.clusterModify
    state.schedule(region, delay, {
      type: 'cluster-settled', cluster: cluster.resourceId,
      ...(targetVersion && applyNow ? {engineVersion: targetVersion.version} : {}),
    })
  }
  state.saveCluster(region, cluster)
  return () => clusterView(region, cluster, state.now)
}

export function deleteDBCluster(
  state: ControlState,
  regionName: string,
  input: {DBClusterIdentifier: string; SkipFinalSnapshot?: boolean; FinalDBSnapshotIdentifier?: string},
): () => ClusterView {
  const region = state.region(regionName)
  const cluster = findCluster(region, input.DBClusterIdentifier)
  if (cluster.deletionProtection) {
    throw invalidParameterCombination('Cannot delete protected Cluster, please disable deletion protection and try again.')
  }
  requireClusterStatus(cluster, ['available', 'stopped'])
  if (membersOf(region, cluster).some((i) => i.status !== 'deleting')) {
    throw invalidDbClusterState('Cluster cannot be deleted, it still contains DB instances in non-deleting state.')
  }
  leaveOnDelete(state, cluster)
  const skip = input.SkipFinalSnapshot ?? false
  let snapshotId: string | undefined
  if (skip && input.FinalDBSnapshotIdentifier !== undefined) {
    throw invalidParameterCombination('FinalDBSnapshotIdentifier can not be specified when deleting a cluster with SkipFinalSnapshot set to true.')
  }
  if (!skip) {
    if (input.FinalDBSnapshotIdentifier === undefined) {
      throw invalidParameterCombination('FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.')
    }
    snapshotId = validateIdentifier('FinalDBSnapshotIdentifier', input.FinalDBSnapshotIdentifier)
    if (region.snapshots.has(snapshotId)) throw dbClusterSnapshotAlreadyExists(snapshotId)
  }

  if (snapshotId !== undefined) takeFinalSnapshot(state, region, cluster, snapshotId)
  detachDeletedPrimary(state, region, cluster)
  moveCluster(cluster, 'deleting')
  state.saveCluster(region, cluster)
  const view = clusterView(region, cluster, state.now)
  state.schedule(region, Math.max(state.timing.clusterDelete, snapshotId ? state.timing.snapshotCreate : 0), {
    type: 'cluster-deleted', cluster: cluster.resourceId,
  })
  return () => view
}

export function stopDBCluster(state: ControlState, regionName: string, input: {DBClusterIdentifier: string}): () => ClusterView {
  const region = state.region(regionName)
  const cluster = findCluster(region, input.DBClusterIdentifier)
  requireClusterStatus(cluster, ['available'])
  if (cluster.global) {
    throw invalidDbClusterState(`DB cluster ${cluster.id} is a member of global cluster ${cluster.global.id}; a global database member can't be stopped.`)
  }
  const members = membersOf(region, cluster)
  for (const instance of members) requireInstanceStatus(instance, ['available'])
  moveCluster(cluster, 'stopping')
  state.saveCluster(region, cluster)
  for (const instance of members) {
    moveInstance(instance, 'stopping')
    state.saveInstance(region, instance)
  }
  state.schedule(region, state.timing.clusterStop, {type: 'cluster-stopped', cluster: cluster.resourceId})
  return () => clusterView(region, cluster, state.now)
}

export function startDBCluster(state: ControlState, regionName: string, input: {DBClusterIdentifier: string}): () => ClusterView {
  const region = state.region(regionName)
  const cluster = findCluster(region, input.DBClusterIdentifier)
  requireClusterStatus(cluster, ['stopped'])
  moveCluster(cluster, 'starting')
  state.saveCluster(region, cluster)
  for (const instance of membersOf(region, cluster)) {
    if (instance.status !== 'stopped') continue
    moveInstance(instance, 'starting')
    state.saveInstance(region, instance)
  }
  state.schedule(region, state.timing.clusterStart, {type: 'cluster-started', cluster: cluster.resourceId})
  return () => clusterView(region, cluster, state.now)
}

function validateUpgrade(cluster: Cluster, version: string, allowMajor: boolean): EngineVersionInfo {
  const target = resolveEngineVersion(cluster.engine, version)
  const current = resolveEngineVersion(cluster.engine, cluster.engineVersion)
  if (compareVersions(target.version, current.version) < 0) {
    throw invalidParameterCombination(`Cannot upgrade ${cluster.engine} from ${current.version} to ${target.version}`)
  }
  if (target.major !== current.major && !allowMajor) {
    throw invalidParameterCombination('The AllowMajorVersionUpgrade flag must be present when upgrading to a new major version.')
  }
  return target
}

function renameCluster(state: ControlState, region: RegionState, cluster: Cluster, newId: string): void {
  region.clusters.delete(cluster.id)
  cluster.id = newId
  delete cluster.pending.DBClusterIdentifier
  region.clusters.set(newId, cluster)
  for (const instance of membersOf(region, cluster)) {
    instance.clusterId = newId
    state.saveInstance(region, instance)
  }
}

export function newClusterResourceId(prng: Prng): string {
  return `cluster-${prng.fromAlphabet('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 26)}`
}

export function secretArn(prng: Prng, region: string): string {
  return `arn:aws:secretsmanager:${region}:000000000000:secret:rds!cluster-${prng.uuid()}-${prng.fromAlphabet('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', 6)}`
}

/** AWS assigns a random 30-minute backup window when none is given. */
export function randomBackupWindow(prng: Prng): string {
  const start = prng.int(48) * 30
  return `${hhmm(start)}-${hhmm((start + 30) % 1440)}`
}

/** …and a random 30-minute weekly maintenance window. */
export function randomMaintenanceWindow(prng: Prng): string {
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
  const day = prng.int(7)
  const start = prng.int(48) * 30
  const endMinutes = start + 30
  const endDay = endMinutes >= 1440 ? (day + 1) % 7 : day
  return `${days[day]}:${hhmm(start)}-${days[endDay]}:${hhmm(endMinutes % 1440)}`
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}
