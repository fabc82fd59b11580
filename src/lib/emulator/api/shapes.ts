import {engineDescription, engineVersions, licenseModel, versionDescription, type EngineVersionInfo} from '../control/engines.js'
import type {GlobalClusterView} from '../control/global.js'
import {clusterArn, clusterSnapshotArn, globalClusterArn, instanceArn, type Backtrack, type ClusterSnapshot, type RdsEvent} from '../control/model.js'
import type {ClusterView, InstanceView} from '../control/views.js'
import type {XmlValue} from './xml.js'

/** List element names from the RDS model (`member.locationName`), by the field that holds the list. */
const LIST_MEMBER_NAMES: Record<string, string> = {
  AvailabilityZones: 'AvailabilityZone',
  DBClusterMembers: 'DBClusterMember',
  DBClusters: 'DBCluster',
  DBInstances: 'DBInstance',
  DBClusterSnapshots: 'DBClusterSnapshot',
  DBClusterBacktracks: 'DBClusterBacktrack',
  DBEngineVersions: 'DBEngineVersion',
  Events: 'Event',
  EventCategories: 'EventCategory',
  VpcSecurityGroups: 'VpcSecurityGroupMembership',
  DBSecurityGroups: 'DBSecurityGroup',
  DBParameterGroups: 'DBParameterGroup',
  TagList: 'Tag',
  ReadReplicaIdentifiers: 'ReadReplicaIdentifier',
  ReadReplicaDBInstanceIdentifiers: 'ReadReplicaDBInstanceIdentifier',
  ReadReplicaDBClusterIdentifiers: 'ReadReplicaDBClusterIdentifier',
  DBClusterOptionGroupMemberships: 'DBClusterOptionGroup',
  DomainMemberships: 'DomainMembership',
  ValidUpgradeTarget: 'UpgradeTarget',
  // Both lists of the global cluster shapes use this name, DescribeGlobalClusters' list of clusters included.
  GlobalClusters: 'GlobalClusterMember',
  GlobalClusterMembers: 'GlobalClusterMember',
}

export function listMemberName(field: string): string {
  return LIST_MEMBER_NAMES[field] ?? 'member'
}

function parameterGroupFamily(engine: string, version: string): string {
  return engineVersions(engine).find((v) => v.version === version)?.parameterGroupFamily ?? engine
}

const AWS_DOMAIN = 'rds.amazonaws.com'

export function clusterShape(view: ClusterView): Record<string, XmlValue> {
  const {cluster: c, members, region, endpointHash} = view
  const family = parameterGroupFamily(c.engine, c.engineVersion)
  const zonesInUse = new Set(members.map((i) => i.availabilityZone))
  const pending = {
    ...(c.pending.DBClusterIdentifier !== undefined ? {DBClusterIdentifier: c.pending.DBClusterIdentifier} : {}),
    ...(c.pending.EngineVersion !== undefined && c.status !== 'modifying' ? {EngineVersion: c.pending.EngineVersion} : {}),
  }
  return {
    AllocatedStorage: 1,
    AvailabilityZones: c.availabilityZones,
    BackupRetentionPeriod: c.backupRetentionPeriod,
    DatabaseName: c.databaseName,
    DBClusterIdentifier: c.id,
    DBClusterParameterGroup: `default.${family}`,
    DBSubnetGroup: 'default',
    Status: c.status,
    EarliestRestorableTime: view.restorable && new Date(view.restorable.earliest),
    Endpoint: `${c.id}.cluster-${endpointHash}.${region}.${AWS_DOMAIN}`,
    ReaderEndpoint: `${c.id}.cluster-ro-${endpointHash}.${region}.${AWS_DOMAIN}`,
    MultiAZ: zonesInUse.size > 1,
    LatestRestorableTime: view.restorable && new Date(view.restorable.latest),
    Engine: c.engine,
    EngineVersion: c.engineVersion,
    Port: c.port,
    MasterUsername: c.masterUsername,
    PreferredBackupWindow: c.preferredBackupWindow,
    PreferredMaintenanceWindow: c.preferredMaintenanceWindow,
    ReadReplicaIdentifiers: [],
    DBClusterMembers: members.map((i) => ({
      DBInstanceIdentifier: i.id,
      IsClusterWriter: i.isWriter,
      DBClusterParameterGroupStatus: 'in-sync',
      PromotionTier: i.promotionTier,
    })),
    VpcSecurityGroups: c.vpcSecurityGroupIds.map((id) => ({VpcSecurityGroupId: id, Status: 'active'})),
    StorageEncrypted: c.storageEncrypted,
    DbClusterResourceId: c.resourceId,
    DBClusterArn: clusterArn(region, c.id),
    IAMDatabaseAuthenticationEnabled: false,
    ClusterCreateTime: new Date(c.createdAt),
    EarliestBacktrackTime: view.earliestBacktrackTime === undefined ? undefined : new Date(view.earliestBacktrackTime),
    BacktrackWindow: c.engine === 'aurora-mysql' ? c.backtrackWindow : undefined,
    PendingModifiedValues: Object.keys(pending).length > 0 ? pending : undefined,
    EngineMode: 'provisioned',
    StorageType: 'aurora',
    AutoMinorVersionUpgrade: true,
    DeletionProtection: c.deletionProtection,
    HttpEndpointEnabled: false,
    CopyTagsToSnapshot: false,
    CrossAccountClone: false,
    DomainMemberships: [],
    TagList: c.tags,
    NetworkType: 'IPV4',
    CloneGroupId: c.cloneGroupId,
    GlobalClusterIdentifier: c.global?.id,
    ServerlessV2ScalingConfiguration: c.serverlessV2 ? {...c.serverlessV2} : undefined,
    MasterUserSecret: c.masterUserSecretArn ? {SecretArn: c.masterUserSecretArn, SecretStatus: 'active'} : undefined,
  }
}

export function globalClusterShape(view: GlobalClusterView): Record<string, XmlValue> {
  const {global: g, members} = view
  const failover = g.failoverState
  return {
    GlobalClusterIdentifier: g.id,
    GlobalClusterResourceId: g.resourceId,
    GlobalClusterArn: globalClusterArn(g.id),
    Status: g.status,
    Engine: g.engine,
    EngineVersion: g.engineVersion,
    DatabaseName: g.databaseName,
    StorageEncrypted: g.storageEncrypted,
    DeletionProtection: g.deletionProtection,
    GlobalClusterMembers: members.map((m) => ({
      DBClusterArn: m.arn,
      Readers: m.readers,
      IsWriter: m.member.isWriter,
      SynchronizationStatus: m.member.synchronizationStatus,
    })),
    // Aurora keeps the global writer endpoint pointed at the current primary's writer.
    Endpoint: `${g.id}.global-${g.endpointHash}.global.${AWS_DOMAIN}`,
    FailoverState: failover && {
      Status: failover.status,
      FromDbClusterArn: failover.fromDbClusterArn,
      ToDbClusterArn: failover.toDbClusterArn,
      IsDataLossAllowed: failover.isDataLossAllowed,
    },
    TagList: g.tags,
  }
}

export function instanceShape(view: InstanceView): Record<string, XmlValue> {
  const {instance: i, cluster: c, region, endpointHash} = view
  const family = parameterGroupFamily(c.engine, c.engineVersion)
  // While an instance is being created AWS returns neither its endpoint nor its creation time.
  const created = i.status !== 'creating'
  return {
    DBInstanceIdentifier: i.id,
    DBInstanceClass: i.instanceClass,
    Engine: c.engine,
    DBInstanceStatus: i.status,
    MasterUsername: c.masterUsername,
    DBName: c.databaseName,
    Endpoint: created ? {Address: `${i.id}.${endpointHash}.${region}.${AWS_DOMAIN}`, Port: c.port} : undefined,
    AllocatedStorage: 1,
    InstanceCreateTime: created ? new Date(i.createdAt) : undefined,
    PreferredBackupWindow: c.preferredBackupWindow,
    BackupRetentionPeriod: c.backupRetentionPeriod,
    DBSecurityGroups: [],
    VpcSecurityGroups: c.vpcSecurityGroupIds.map((id) => ({VpcSecurityGroupId: id, Status: 'active'})),
    DBParameterGroups: [{DBParameterGroupName: `default.${family}`, ParameterApplyStatus: 'in-sync'}],
    AvailabilityZone: i.availabilityZone,
    PreferredMaintenanceWindow: c.preferredMaintenanceWindow,
    PendingModifiedValues: i.pendingInstanceClass !== undefined ? {DBInstanceClass: i.pendingInstanceClass} : {},
    MultiAZ: false,
    EngineVersion: c.engineVersion,
    AutoMinorVersionUpgrade: true,
    ReadReplicaDBInstanceIdentifiers: [],
    LicenseModel: licenseModel(c.engine),
    PubliclyAccessible: false,
    StorageType: 'aurora',
    DbInstancePort: 0,
    DBClusterIdentifier: c.id,
    StorageEncrypted: c.storageEncrypted,
    DbiResourceId: i.resourceId,
    CACertificateIdentifier: 'rds-ca-rsa2048-g1',
    DomainMemberships: [],
    CopyTagsToSnapshot: false,
    MonitoringInterval: 0,
    PromotionTier: i.promotionTier,
    DBInstanceArn: instanceArn(region, i.id),
    IAMDatabaseAuthenticationEnabled: false,
    PerformanceInsightsEnabled: false,
    DeletionProtection: false,
    TagList: i.tags,
    NetworkType: 'IPV4',
    DedicatedLogVolume: false,
  }
}

export function snapshotShape(region: string, s: ClusterSnapshot): Record<string, XmlValue> {
  return {
    AvailabilityZones: s.availabilityZones,
    DBClusterSnapshotIdentifier: s.id,
    DBClusterIdentifier: s.clusterId,
    SnapshotCreateTime: new Date(s.createdAt),
    Engine: s.engine,
    EngineMode: 'provisioned',
    AllocatedStorage: 1,
    Status: s.status,
    Port: s.port,
    ClusterCreateTime: new Date(s.clusterCreatedAt),
    MasterUsername: s.masterUsername,
    EngineVersion: s.engineVersion,
    LicenseModel: licenseModel(s.engine),
    SnapshotType: s.snapshotType,
    PercentProgress: s.status === 'available' ? 100 : 0,
    StorageEncrypted: s.storageEncrypted,
    BackupRetentionPeriod: s.backupRetentionPeriod,
    PreferredBackupWindow: s.preferredBackupWindow,
    DBClusterSnapshotArn: clusterSnapshotArn(region, s.id),
    SourceDBClusterSnapshotArn: s.sourceSnapshotArn,
    IAMDatabaseAuthenticationEnabled: false,
    TagList: s.tags,
    StorageType: 'aurora',
    DbClusterResourceId: s.clusterResourceId,
  }
}

export function backtrackShape(b: Backtrack): Record<string, XmlValue> {
  return {
    DBClusterIdentifier: b.clusterId,
    BacktrackIdentifier: b.id,
    BacktrackTo: new Date(b.backtrackTo),
    BacktrackedFrom: new Date(b.backtrackedFrom),
    BacktrackRequestCreationTime: new Date(b.requestedAt),
    Status: b.status,
  }
}

export function eventShape(e: RdsEvent): Record<string, XmlValue> {
  return {
    SourceIdentifier: e.sourceId,
    SourceType: e.sourceType,
    Message: e.message,
    EventCategories: e.categories,
    Date: new Date(e.at),
    SourceArn: e.sourceArn,
  }
}

export function engineVersionShape(v: EngineVersionInfo & {validUpgradeTargets: EngineVersionInfo[]}): Record<string, XmlValue> {
  return {
    Engine: v.engine,
    MajorEngineVersion: v.major,
    EngineVersion: v.version,
    DBParameterGroupFamily: v.parameterGroupFamily,
    DBEngineDescription: engineDescription(v.engine),
    DBEngineVersionDescription: versionDescription(v),
    ValidUpgradeTarget: v.validUpgradeTargets.map((t) => ({
      Engine: t.engine,
      EngineVersion: t.version,
      Description: versionDescription(t),
      AutoUpgrade: false,
      IsMajorVersionUpgrade: t.major !== v.major,
    })),
    SupportsLogExportsToCloudwatchLogs: true,
    SupportsReadReplica: true,
    SupportedEngineModes: ['provisioned'],
    Status: 'available',
    SupportsParallelQuery: false,
    SupportsGlobalDatabases: true,
    SupportsBabelfish: false,
    SupportsLimitlessDatabase: false,
    SupportsIntegrations: false,
  }
}
