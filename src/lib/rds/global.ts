import {
  CreateDBClusterCommand,
  CreateGlobalClusterCommand,
  type DBCluster,
  DeleteGlobalClusterCommand,
  FailoverGlobalClusterCommand,
  type GlobalCluster,
  RemoveFromGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'

import {ClientSideFault} from '../fault.js'
import {globalReplication, type GlobalReplicationReport} from '../local/global.js'
import {parseClusterArn} from './arn.js'
import {type Rds, rdsInRegion} from './client.js'
import {DEFAULT_INSTANCE_CLASS, type MaybeWait, populateNewCluster, SERVERLESS_CLASS} from './clusters.js'
import {describeCluster, describeGlobalCluster} from './read.js'
import {copyScaling, writerClass} from './restore.js'
import {waitUntilGlobalGone, waitUntilGlobalSettled, waitUntilUsable} from './wait.js'

/** A member of a global cluster, named by Region and cluster rather than by ARN alone. */
export interface GlobalMember {
  arn: string
  region: string
  cluster: string
  role: 'writer' | 'reader'
  /** `connected` or `pending-resync`, as AWS reports a secondary's replication. */
  synchronization?: string
  /** The member cluster's own status, from DescribeDBClusters in its Region. */
  status?: string
}

export function globalMembers(global: GlobalCluster): GlobalMember[] {
  return (global.GlobalClusterMembers ?? []).map((m) => ({
    arn: m.DBClusterArn!,
    ...parseClusterArn(m.DBClusterArn!),
    role: m.IsWriter ? 'writer' : 'reader',
    synchronization: m.SynchronizationStatus,
  }))
}

/** The members with their clusters' statuses, each asked of its own Region. */
export async function globalMembersWithStatus(rds: Rds, global: GlobalCluster): Promise<GlobalMember[]> {
  return Promise.all(
    globalMembers(global).map(async (member) => {
      const cluster = await describeCluster(await rdsInRegion(rds, member.region), member.cluster)
      return {...member, status: cluster.Status}
    }),
  )
}

export interface GlobalDescription {
  globalCluster: GlobalCluster
  members: GlobalMember[]
  /** Each secondary's replication lag and link, where the local emulator reports them. */
  replication?: GlobalReplicationReport
}

/** A global cluster, its members' statuses and, on this machine's emulator, its replication report. */
export async function describeGlobal(rds: Rds, id: string, local: {onDaemonStarted?: (endpoint: string, pid: number) => void} | undefined): Promise<GlobalDescription> {
  const globalCluster = await describeGlobalCluster(rds, id)
  const members = await globalMembersWithStatus(rds, globalCluster)
  const replication = local ? await globalReplication(globalCluster.GlobalClusterIdentifier ?? id, local.onDaemonStarted) : undefined
  return {globalCluster, members, ...(replication ? {replication} : {})}
}

export interface GlobalSpec {
  id: string
  /** An existing cluster in this client's Region that becomes the primary. */
  sourceCluster?: string
  /** For an empty global cluster; one made from a cluster takes that cluster's. */
  engine?: string
  engineVersion?: string
}

/** CreateGlobalCluster, from an existing cluster (named by its ARN, as AWS requires) or empty. */
export async function createGlobalCluster(rds: Rds, spec: GlobalSpec, wait: MaybeWait): Promise<GlobalCluster> {
  let sourceArn: string | undefined
  if (spec.sourceCluster) {
    sourceArn = (await describeCluster(rds, spec.sourceCluster)).DBClusterArn
    if (!sourceArn) throw new ClientSideFault('InvalidDBClusterStateFault', `The endpoint gave no ARN for cluster ${spec.sourceCluster}.`)
  }
  const out = await rds.client.send(
    new CreateGlobalClusterCommand({
      GlobalClusterIdentifier: spec.id,
      SourceDBClusterIdentifier: sourceArn,
      Engine: sourceArn ? undefined : spec.engine,
      EngineVersion: sourceArn ? undefined : spec.engineVersion,
    }),
  )
  return wait ? waitUntilGlobalSettled(rds, spec.id, wait, {memberArn: sourceArn}) : out.GlobalCluster!
}

/**
 * DeleteGlobalCluster. AWS deletes only a global cluster without members; one that still has
 * some is refused here, before any request, with what to do first.
 */
export async function deleteGlobalCluster(rds: Rds, id: string, wait: MaybeWait): Promise<GlobalCluster> {
  const members = globalMembers(await describeGlobalCluster(rds, id))
  if (members.length > 0) {
    const list = members.map((m) => `${m.cluster} (${m.region}${m.role === 'writer' ? ', primary' : ''})`).join(', ')
    throw new ClientSideFault(
      'InvalidGlobalClusterStateFault',
      `Global cluster ${id} still has members: ${list}; AWS deletes only a global cluster without members. ` +
        `Detach each secondary, then the primary, with \`auroractl global promote ${id} --region <region> --mode detach\` ` +
        '(each becomes a standalone cluster, to keep or delete), then delete the global cluster.',
    )
  }
  const out = await rds.client.send(new DeleteGlobalClusterCommand({GlobalClusterIdentifier: id}))
  if (wait) await waitUntilGlobalGone(rds, id, wait)
  return out.GlobalCluster!
}

export interface AddRegionSpec {
  global: string
  region: string
  /** Default `<global>-<region>`. */
  clusterId?: string
  instances: number
  /** Default: the primary writer's class. */
  instanceClass?: string
}

export interface AddRegionResult {
  globalCluster: GlobalCluster
  cluster: DBCluster
}

/**
 * Adds a secondary Region: CreateDBCluster there with the global cluster's engine and version and
 * GlobalClusterIdentifier (a secondary has no credentials of its own: it replicates the primary's),
 * then instances like the primary's writer, then waits until the cluster is usable and a member.
 */
export async function addRegion(rds: Rds, spec: AddRegionSpec, wait: MaybeWait): Promise<AddRegionResult> {
  const global = await describeGlobalCluster(rds, spec.global)
  const primaryMember = globalMembers(global).find((m) => m.role === 'writer')
  const regional = await rdsInRegion(rds, spec.region)
  let primary: DBCluster | undefined
  let primaryRds: Rds | undefined
  if (primaryMember) {
    primaryRds = await rdsInRegion(rds, primaryMember.region)
    primary = await describeCluster(primaryRds, primaryMember.cluster)
  }
  const scaling = primary?.ServerlessV2ScalingConfiguration
  const instanceClass =
    spec.instanceClass ?? (primary && primaryRds ? await writerClass(primaryRds, primary) : undefined) ?? (scaling ? SERVERLESS_CLASS : DEFAULT_INSTANCE_CLASS)
  const out = await regional.client.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: spec.clusterId ?? `${spec.global}-${spec.region}`,
      GlobalClusterIdentifier: spec.global,
      Engine: global.Engine,
      EngineVersion: global.EngineVersion,
      ServerlessV2ScalingConfiguration: scaling ? copyScaling(scaling) : undefined,
    }),
  )
  const cluster = await populateNewCluster(regional, out.DBCluster!, {count: spec.instances, instanceClass}, wait, {secondary: true})
  const globalCluster = wait ? await waitUntilGlobalSettled(rds, spec.global, wait, {memberArn: out.DBCluster!.DBClusterArn}) : global
  return {globalCluster, cluster}
}

export type PromoteMode = 'switchover' | 'failover' | 'detach'

export interface PromoteSpec {
  global: string
  region: string
  /** Needed only when the global cluster has more than one member in the Region. */
  cluster?: string
  mode: PromoteMode
}

export interface PromoteResult {
  globalCluster: GlobalCluster
  mode: PromoteMode
  target: GlobalMember
  previousPrimary?: GlobalMember
  /** From the promotion request until the target took writes (undefined with --no-wait). */
  completedAfterMs?: number
}

/** The member in `region` (and named `cluster`, when given) that a promotion acts on. */
export function promotionTarget(global: GlobalCluster, region: string, cluster?: string): GlobalMember {
  const inRegion = globalMembers(global).filter((m) => m.region === region && (cluster === undefined || m.cluster === cluster.toLowerCase()))
  const id = global.GlobalClusterIdentifier
  if (inRegion.length === 0) {
    throw new ClientSideFault('InvalidParameterValue', `Global cluster ${id} has no member${cluster ? ` ${cluster}` : ''} in ${region}; \`auroractl global describe ${id}\` lists them.`)
  }
  if (inRegion.length > 1) {
    throw new ClientSideFault('InvalidParameterCombination', `Global cluster ${id} has ${inRegion.length} members in ${region}; name one with --cluster.`)
  }
  return inRegion[0]
}

/**
 * Makes a secondary the primary (switchover: replicas catch up first, nothing is lost, the old
 * primary becomes a secondary; failover: at once, allowing data loss) or detaches a member into a
 * standalone cluster. Waiting means the target takes writes: the global cluster's FailoverState has
 * cleared, the target is the writer member (or has left, for detach) and its cluster and writer
 * instance are available.
 */
export async function promote(rds: Rds, spec: PromoteSpec, wait: MaybeWait): Promise<PromoteResult> {
  const before = await describeGlobalCluster(rds, spec.global)
  const target = promotionTarget(before, spec.region, spec.cluster)
  const previousPrimary = globalMembers(before).find((m) => m.role === 'writer')
  if (spec.mode !== 'detach' && target.role === 'writer') {
    throw new ClientSideFault('InvalidParameterValue', `${target.cluster} in ${target.region} is already the primary of global cluster ${spec.global}.`)
  }
  const ids = {GlobalClusterIdentifier: spec.global, TargetDbClusterIdentifier: target.arn}
  const requestedAt = Date.now()
  const out =
    spec.mode === 'switchover'
      ? await rds.client.send(new SwitchoverGlobalClusterCommand(ids))
      : spec.mode === 'failover'
        ? await rds.client.send(new FailoverGlobalClusterCommand({...ids, AllowDataLoss: true}))
        : await rds.client.send(new RemoveFromGlobalClusterCommand({GlobalClusterIdentifier: spec.global, DbClusterIdentifier: target.arn}))
  if (!wait) return {globalCluster: out.GlobalCluster!, mode: spec.mode, target, previousPrimary}
  const globalCluster = await waitUntilGlobalSettled(rds, spec.global, wait, spec.mode === 'detach' ? {withoutArn: target.arn} : {writerArn: target.arn})
  await waitUntilUsable(await rdsInRegion(rds, target.region), target.cluster, wait)
  return {globalCluster, mode: spec.mode, target, previousPrimary, completedAfterMs: Date.now() - requestedAt}
}
