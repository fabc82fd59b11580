import type {CreateDBClusterInput, ModifyDBClusterInput} from '../control/clusters.js'
import type {DescribeEventsInput} from '../control/events.js'
import type {CreateGlobalClusterInput} from '../control/global.js'
import type {CreateDBInstanceInput, ModifyDBInstanceInput} from '../control/instances.js'
import type {Filter, Page} from '../control/paging.js'
import type {ControlPlane} from '../control/plane.js'
import type {RestoreDBClusterFromSnapshotInput, RestoreDBClusterToPointInTimeInput} from '../control/restore.js'
import type {ParamSpec} from './query-params.js'
import {backtrackShape, clusterShape, engineVersionShape, eventShape, globalClusterShape, instanceShape, snapshotShape} from './shapes.js'
import type {XmlValue} from './xml.js'

/** One RDS action: its parameters (names and types from the RDS model), the required ones, and what it does. */
export interface Operation {
  params: Record<string, ParamSpec>
  required: string[]
  handle(plane: ControlPlane, region: string, input: Record<string, unknown>): Record<string, XmlValue>
}

const filters: ParamSpec = {list: {struct: {Name: 'string', Values: {list: 'string', member: 'Value'}}}, member: 'Filter'}
const tags: ParamSpec = {list: {struct: {Key: 'string', Value: 'string'}}, member: 'Tag'}
const paging = {MaxRecords: 'integer', Marker: 'string'} as const
const serverlessV2: ParamSpec = {struct: {MinCapacity: 'double', MaxCapacity: 'double', SecondsUntilAutoPause: 'integer'}}

// The handlers receive input already coerced to these specs, so the casts below only name the shape.
const as = <T>(input: Record<string, unknown>) => input as unknown as T

function withMarker(result: Record<string, XmlValue>, marker: string | undefined): Record<string, XmlValue> {
  return marker === undefined ? result : {Marker: marker, ...result}
}

export const OPERATIONS: Record<string, Operation> = {
  CreateDBCluster: {
    params: {
      DBClusterIdentifier: 'string', Engine: 'string', EngineVersion: 'string', EngineMode: 'string',
      MasterUsername: 'string', MasterUserPassword: 'string', ManageMasterUserPassword: 'boolean', DatabaseName: 'string',
      Port: 'integer', AvailabilityZones: {list: 'string', member: 'AvailabilityZone'}, BackupRetentionPeriod: 'integer',
      BacktrackWindow: 'integer', DeletionProtection: 'boolean', StorageEncrypted: 'boolean',
      ServerlessV2ScalingConfiguration: serverlessV2, PreferredBackupWindow: 'string', PreferredMaintenanceWindow: 'string',
      VpcSecurityGroupIds: {list: 'string', member: 'VpcSecurityGroupId'}, Tags: tags, GlobalClusterIdentifier: 'string',
    },
    required: ['DBClusterIdentifier', 'Engine'],
    handle: (plane, region, input) => ({DBCluster: clusterShape(plane.createDBCluster(region, as<CreateDBClusterInput>(input)))}),
  },
  DescribeDBClusters: {
    params: {DBClusterIdentifier: 'string', Filters: filters, ...paging},
    required: [],
    handle: (plane, region, input) => {
      const page = plane.describeDBClusters(region, as<{DBClusterIdentifier?: string; Filters?: Filter[]} & Page>(input))
      return withMarker({DBClusters: page.items.map(clusterShape)}, page.marker)
    },
  },
  ModifyDBCluster: {
    params: {
      DBClusterIdentifier: 'string', NewDBClusterIdentifier: 'string', ApplyImmediately: 'boolean',
      BackupRetentionPeriod: 'integer', BacktrackWindow: 'integer', DeletionProtection: 'boolean',
      ServerlessV2ScalingConfiguration: serverlessV2, EngineVersion: 'string', AllowMajorVersionUpgrade: 'boolean',
      Port: 'integer', MasterUserPassword: 'string', ManageMasterUserPassword: 'boolean',
      PreferredBackupWindow: 'string', PreferredMaintenanceWindow: 'string',
    },
    required: ['DBClusterIdentifier'],
    handle: (plane, region, input) => ({DBCluster: clusterShape(plane.modifyDBCluster(region, as<ModifyDBClusterInput>(input)))}),
  },
  DeleteDBCluster: {
    params: {DBClusterIdentifier: 'string', SkipFinalSnapshot: 'boolean', FinalDBSnapshotIdentifier: 'string'},
    required: ['DBClusterIdentifier'],
    handle: (plane, region, input) => ({
      DBCluster: clusterShape(plane.deleteDBCluster(region, as<{DBClusterIdentifier: string}>(input))),
    }),
  },
  StartDBCluster: {
    params: {DBClusterIdentifier: 'string'},
    required: ['DBClusterIdentifier'],
    handle: (plane, region, input) => ({DBCluster: clusterShape(plane.startDBCluster(region, as<{DBClusterIdentifier: string}>(input)))}),
  },
  StopDBCluster: {
    params: {DBClusterIdentifier: 'string'},
    required: ['DBClusterIdentifier'],
    handle: (plane, region, input) => ({DBCluster: clusterShape(plane.stopDBCluster(region, as<{DBClusterIdentifier: string}>(input)))}),
  },
  FailoverDBCluster: {
    params: {DBClusterIdentifier: 'string', TargetDBInstanceIdentifier: 'string'},
    required: ['DBClusterIdentifier'],
    handle: (plane, region, input) => ({
      DBCluster: clusterShape(plane.failoverDBCluster(region, as<{DBClusterIdentifier: string}>(input))),
    }),
  },
  CreateGlobalCluster: {
    params: {
      GlobalClusterIdentifier: 'string', SourceDBClusterIdentifier: 'string', Engine: 'string', EngineVersion: 'string',
      DeletionProtection: 'boolean', DatabaseName: 'string', StorageEncrypted: 'boolean', Tags: tags,
    },
    required: ['GlobalClusterIdentifier'],
    handle: (plane, region, input) => ({
      GlobalCluster: globalClusterShape(plane.createGlobalCluster(region, as<CreateGlobalClusterInput>(input))),
    }),
  },
  DescribeGlobalClusters: {
    params: {GlobalClusterIdentifier: 'string', Filters: filters, ...paging},
    required: [],
    handle: (plane, _region, input) => {
      const page = plane.describeGlobalClusters(as<{GlobalClusterIdentifier?: string; Filters?: Filter[]} & Page>(input))
      return withMarker({GlobalClusters: page.items.map(globalClusterShape)}, page.marker)
    },
  },
  ModifyGlobalCluster: {
    params: {GlobalClusterIdentifier: 'string', NewGlobalClusterIdentifier: 'string', DeletionProtection: 'boolean'},
    required: ['GlobalClusterIdentifier'],
    handle: (plane, _region, input) => ({
      GlobalCluster: globalClusterShape(plane.modifyGlobalCluster(as<{GlobalClusterIdentifier: string}>(input))),
    }),
  },
  DeleteGlobalCluster: {
    params: {GlobalClusterIdentifier: 'string'},
    required: ['GlobalClusterIdentifier'],
    handle: (plane, _region, input) => ({
      GlobalCluster: globalClusterShape(plane.deleteGlobalCluster(as<{GlobalClusterIdentifier: string}>(input))),
    }),
  },
  RemoveFromGlobalCluster: {
    params: {GlobalClusterIdentifier: 'string', DbClusterIdentifier: 'string'},
    required: ['GlobalClusterIdentifier', 'DbClusterIdentifier'],
    handle: (plane, region, input) => ({
      GlobalCluster: globalClusterShape(
        plane.removeFromGlobalCluster(region, as<{GlobalClusterIdentifier: string; DbClusterIdentifier: string}>(input)),
      ),
    }),
  },
  FailoverGlobalCluster: {
    params: {GlobalClusterIdentifier: 'string', TargetDbClusterIdentifier: 'string', AllowDataLoss: 'boolean', Switchover: 'boolean'},
    required: ['GlobalClusterIdentifier', 'TargetDbClusterIdentifier'],
    handle: (plane, region, input) => ({
      GlobalCluster: globalClusterShape(
        plane.failoverGlobalCluster(region, as<{GlobalClusterIdentifier: string; TargetDbClusterIdentifier: string}>(input)),
      ),
    }),
  },
  SwitchoverGlobalCluster: {
    params: {GlobalClusterIdentifier: 'string', TargetDbClusterIdentifier: 'string'},
    required: ['GlobalClusterIdentifier', 'TargetDbClusterIdentifier'],
    handle: (plane, region, input) => ({
      GlobalCluster: globalClusterShape(
        plane.switchoverGlobalCluster(region, as<{GlobalClusterIdentifier: string; TargetDbClusterIdentifier: string}>(input)),
      ),
    }),
  },
  CreateDBInstance: {
    params: {
      DBInstanceIdentifier: 'string', DBInstanceClass: 'string', Engine: 'string', EngineVersion: 'string',
      DBClusterIdentifier: 'string', AvailabilityZone: 'string', PromotionTier: 'integer', Tags: tags,
    },
    required: ['DBInstanceIdentifier', 'DBInstanceClass', 'Engine'],
    handle: (plane, region, input) => ({DBInstance: instanceShape(plane.createDBInstance(region, as<CreateDBInstanceInput>(input)))}),
  },
  DescribeDBInstances: {
    params: {DBInstanceIdentifier: 'string', Filters: filters, ...paging},
    required: [],
    handle: (plane, region, input) => {
      const page = plane.describeDBInstances(region, as<{DBInstanceIdentifier?: string; Filters?: Filter[]} & Page>(input))
      return withMarker({DBInstances: page.items.map(instanceShape)}, page.marker)
    },
  },
  ModifyDBInstance: {
    params: {DBInstanceIdentifier: 'string', DBInstanceClass: 'string', PromotionTier: 'integer', ApplyImmediately: 'boolean'},
    required: ['DBInstanceIdentifier'],
    handle: (plane, region, input) => ({DBInstance: instanceShape(plane.modifyDBInstance(region, as<ModifyDBInstanceInput>(input)))}),
  },
  DeleteDBInstance: {
    params: {DBInstanceIdentifier: 'string', SkipFinalSnapshot: 'boolean', FinalDBSnapshotIdentifier: 'string', DeleteAutomatedBackups: 'boolean'},
    required: ['DBInstanceIdentifier'],
    handle: (plane, region, input) => ({
      DBInstance: instanceShape(plane.deleteDBInstance(region, as<{DBInstanceIdentifier: string}>(input))),
    }),
  },
  RebootDBInstance: {
    params: {DBInstanceIdentifier: 'string', ForceFailover: 'boolean'},
    required: ['DBInstanceIdentifier'],
    handle: (plane, region, input) => ({
      DBInstance: instanceShape(plane.rebootDBInstance(region, as<{DBInstanceIdentifier: string}>(input))),
    }),
  },
  DescribeEvents: {
    params: {
      SourceIdentifier: 'string', SourceType: 'string', StartTime: 'timestamp', EndTime: 'timestamp', Duration: 'integer',
      EventCategories: {list: 'string', member: 'EventCategory'}, Filters: filters, ...paging,
    },
    required: [],
    handle: (plane, region, input) => {
      const page = plane.describeEvents(region, as<DescribeEventsInput>(input))
      return withMarker({Events: page.items.map(eventShape)}, page.marker)
    },
  },
  DescribeDBClusterSnapshots: {
    params: {
      DBClusterIdentifier: 'string', DBClusterSnapshotIdentifier: 'string', SnapshotType: 'string', Filters: filters,
      IncludeShared: 'boolean', IncludePublic: 'boolean', DbClusterResourceId: 'string', ...paging,
    },
    required: [],
    handle: (plane, region, input) => {
      const page = plane.describeDBClusterSnapshots(region, as<{DBClusterIdentifier?: string}>(input))
      return withMarker({DBClusterSnapshots: page.items.map((s) => snapshotShape(s.region, s.snapshot))}, page.marker)
    },
  },
  CreateDBClusterSnapshot: {
    params: {DBClusterSnapshotIdentifier: 'string', DBClusterIdentifier: 'string', Tags: tags},
    required: ['DBClusterSnapshotIdentifier', 'DBClusterIdentifier'],
    handle: (plane, region, input) => {
      const {snapshot} = plane.createDBClusterSnapshot(region, as<{DBClusterSnapshotIdentifier: string; DBClusterIdentifier: string}>(input))
      return {DBClusterSnapshot: snapshotShape(region, snapshot)}
    },
  },
  DeleteDBClusterSnapshot: {
    params: {DBClusterSnapshotIdentifier: 'string'},
    required: ['DBClusterSnapshotIdentifier'],
    handle: (plane, region, input) => {
      const {snapshot} = plane.deleteDBClusterSnapshot(region, as<{DBClusterSnapshotIdentifier: string}>(input))
      return {DBClusterSnapshot: snapshotShape(region, snapshot)}
    },
  },
  CopyDBClusterSnapshot: {
    params: {
      SourceDBClusterSnapshotIdentifier: 'string', TargetDBClusterSnapshotIdentifier: 'string', KmsKeyId: 'string',
      PreSignedUrl: 'string', CopyTags: 'boolean', Tags: tags,
    },
    required: ['SourceDBClusterSnapshotIdentifier', 'TargetDBClusterSnapshotIdentifier'],
    handle: (plane, region, input) => {
      const {snapshot} = plane.copyDBClusterSnapshot(
        region, as<{SourceDBClusterSnapshotIdentifier: string; TargetDBClusterSnapshotIdentifier: string}>(input),
      )
      return {DBClusterSnapshot: snapshotShape(region, snapshot)}
    },
  },
  RestoreDBClusterFromSnapshot: {
    params: {
      DBClusterIdentifier: 'string', SnapshotIdentifier: 'string', Engine: 'string', EngineVersion: 'string', Port: 'integer',
      AvailabilityZones: {list: 'string', member: 'AvailabilityZone'}, DatabaseName: 'string', EngineMode: 'string',
      VpcSecurityGroupIds: {list: 'string', member: 'VpcSecurityGroupId'}, Tags: tags, BacktrackWindow: 'integer',
      DeletionProtection: 'boolean', ServerlessV2ScalingConfiguration: serverlessV2, BackupRetentionPeriod: 'integer',
      PreferredBackupWindow: 'string', DBSubnetGroupName: 'string', DBClusterParameterGroupName: 'string', CopyTagsToSnapshot: 'boolean',
    },
    required: ['DBClusterIdentifier', 'SnapshotIdentifier', 'Engine'],
    handle: (plane, region, input) => ({
      DBCluster: clusterShape(plane.restoreDBClusterFromSnapshot(region, as<RestoreDBClusterFromSnapshotInput>(input))),
    }),
  },
  RestoreDBClusterToPointInTime: {
    params: {
      DBClusterIdentifier: 'string', SourceDBClusterIdentifier: 'string', SourceDbClusterResourceId: 'string', RestoreType: 'string',
      RestoreToTime: 'timestamp', UseLatestRestorableTime: 'boolean', Port: 'integer', EngineMode: 'string',
      VpcSecurityGroupIds: {list: 'string', member: 'VpcSecurityGroupId'}, Tags: tags, BacktrackWindow: 'integer',
      DeletionProtection: 'boolean', ServerlessV2ScalingConfiguration: serverlessV2, BackupRetentionPeriod: 'integer',
      PreferredBackupWindow: 'string', DBSubnetGroupName: 'string', DBClusterParameterGroupName: 'string', CopyTagsToSnapshot: 'boolean',
    },
    required: ['DBClusterIdentifier'],
    handle: (plane, region, input) => ({
      DBCluster: clusterShape(plane.restoreDBClusterToPointInTime(region, as<RestoreDBClusterToPointInTimeInput>(input))),
    }),
  },
  BacktrackDBCluster: {
    params: {DBClusterIdentifier: 'string', BacktrackTo: 'timestamp', Force: 'boolean', UseEarliestTimeOnPointInTimeUnavailable: 'boolean'},
    required: ['DBClusterIdentifier', 'BacktrackTo'],
    handle: (plane, region, input) =>
      backtrackShape(plane.backtrackDBCluster(region, as<{DBClusterIdentifier: string; BacktrackTo: Date}>(input))),
  },
  DescribeDBClusterBacktracks: {
    params: {DBClusterIdentifier: 'string', BacktrackIdentifier: 'string', Filters: filters, ...paging},
    required: ['DBClusterIdentifier'],
    handle: (plane, region, input) => {
      const page = plane.describeDBClusterBacktracks(region, as<{DBClusterIdentifier: string}>(input))
      return withMarker({DBClusterBacktracks: page.items.map(backtrackShape)}, page.marker)
    },
  },
  DescribeDBEngineVersions: {
    params: {
      Engine: 'string', EngineVersion: 'string', DBParameterGroupFamily: 'string', DefaultOnly: 'boolean', Filters: filters,
      ListSupportedCharacterSets: 'boolean', ListSupportedTimezones: 'boolean', IncludeAll: 'boolean', ...paging,
    },
    required: [],
    handle: (plane, _region, input) => {
      const page = plane.describeDBEngineVersions(as<{Engine?: string} & Page>(input))
      return withMarker({DBEngineVersions: page.items.map(engineVersionShape)}, page.marker)
    },
  },
}
