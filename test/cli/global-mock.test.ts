import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DeleteGlobalClusterCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  type FailoverStatus,
  type GlobalCluster,
  RDSClient,
  RemoveFromGlobalClusterCommand,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import GlobalDelete from '../../src/commands/global/delete.js'
import GlobalPromote from '../../src/commands/global/promote.js'
import {ExitCode} from '../../src/lib/cli/exit-codes.js'
import {parseClusterArn} from '../../src/lib/rds/arn.js'
import type {Rds} from '../../src/lib/rds/client.js'
import {addRegion, createGlobalCluster, deleteGlobalCluster, promote, promotionTarget} from '../../src/lib/rds/global.js'
import {runInProcess} from '../helpers/in-process.js'

const rdsMock = mockClient(RDSClient)

/** A hand-built client whose other Regions are clients of their own, so a test can tell where each request went. */
function rdsAt(region: string): Rds {
  return {client: new RDSClient({region}), backend: 'aws', region, pollMs: 1, inRegion: async (r) => rdsAt(r)}
}
const rds = rdsAt('us-east-1')
const wait = {timeoutMs: 5000}

const arn = (region: string, cluster: string) => `arn:aws:rds:${region}:123456789012:cluster:${cluster}`
const EAST = arn('us-east-1', 'orders')
const WEST = arn('eu-west-1', 'orders-eu')

function global(writer: string, extra: Partial<GlobalCluster> = {}, members = [EAST, WEST]): GlobalCluster {
  return {
    GlobalClusterIdentifier: 'og',
    Status: 'available',
    Engine: 'aurora-postgresql',
    EngineVersion: '15.4',
    GlobalClusterMembers: members.map((m) => ({DBClusterArn: m, IsWriter: m === writer, SynchronizationStatus: m === writer ? undefined : 'connected'})),
    ...extra,
  }
}

/** Each member cluster, available with one instance that is its writer. */
function describeMembers(): void {
  for (const [id, writer] of [['orders', 'orders-instance-1'], ['orders-eu', 'orders-eu-instance-1']]) {
    rdsMock.on(DescribeDBClustersCommand, {DBClusterIdentifier: id}).resolves({
      DBClusters: [{DBClusterIdentifier: id, Status: 'available', Engine: 'aurora-postgresql', DBClusterMembers: [{DBInstanceIdentifier: writer, IsClusterWriter: true}]}],
    })
    rdsMock.on(DescribeDBInstancesCommand, {Filters: [{Name: 'db-cluster-id', Values: [id]}]}).resolves({DBInstances: [{DBInstanceIdentifier: writer, DBInstanceStatus: 'available'}]})
  }
}

async function regionOf(call: {thisValue: unknown}): Promise<string> {
  return (call.thisValue as RDSClient).config.region()
}

afterEach(() => rdsMock.reset())

describe('cluster ARNs', () => {
  it('give the Region and cluster of a global cluster member', () => {
    expect(parseClusterArn(WEST)).toEqual({region: 'eu-west-1', cluster: 'orders-eu'})
    expect(parseClusterArn('arn:aws-cn:rds:cn-north-1:1:cluster:a-b')).toEqual({region: 'cn-north-1', cluster: 'a-b'})
  })
  it('refuse what is not a DB cluster ARN', () => {
    for (const bad of ['orders', 'arn:aws:rds:us-east-1:1:db:orders-instance-1', 'arn:aws:ec2:us-east-1:1:cluster:x']) {
      expect(() => parseClusterArn(bad), bad).toThrow(/is not a DB cluster ARN/)
    }
  })
  it('pick the promotion target by Region, and by cluster where a Region has several', () => {
    const g = global(EAST, {}, [EAST, WEST, arn('eu-west-1', 'orders-eu-2')])
    expect(() => promotionTarget(g, 'eu-west-1')).toThrow(/has 2 members in eu-west-1; name one with --cluster/)
    expect(promotionTarget(g, 'eu-west-1', 'orders-eu-2')).toMatchObject({cluster: 'orders-eu-2', role: 'reader'})
    expect(() => promotionTarget(g, 'ap-south-1')).toThrow(/has no member in ap-south-1/)
  })
})

describe('global cluster requests (aws-sdk-client-mock)', () => {
  it('creates a global cluster from a cluster named by its ARN, and waits until it is a member', async () => {
    rdsMock.on(DescribeDBClustersCommand, {DBClusterIdentifier: 'orders'}).resolves({DBClusters: [{DBClusterIdentifier: 'orders', DBClusterArn: EAST}]})
    rdsMock.on(CreateGlobalClusterCommand).resolves({GlobalCluster: {GlobalClusterIdentifier: 'og', Status: 'creating'}})
    rdsMock
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce({GlobalClusters: [{...global(EAST, {}, []), Status: 'creating'}]})
      .resolves({GlobalClusters: [global(EAST, {}, [EAST])]})
    const created = await createGlobalCluster(rds, {id: 'og', sourceCluster: 'orders', engine: 'aurora-postgresql'}, wait)
    expect(created.GlobalClusterMembers).toHaveLength(1)
    expect(rdsMock.commandCalls(CreateGlobalClusterCommand)[0].args[0].input).toEqual({GlobalClusterIdentifier: 'og', SourceDBClusterIdentifier: EAST})
    expect(rdsMock.commandCalls(DescribeGlobalClustersCommand)).toHaveLength(2)
  })

  it('creates an empty global cluster with an engine and version', async () => {
    rdsMock.on(CreateGlobalClusterCommand).resolves({GlobalCluster: {GlobalClusterIdentifier: 'empty'}})
    await createGlobalCluster(rds, {id: 'empty', engine: 'aurora-postgresql', engineVersion: '15.4'}, undefined)
    expect(rdsMock.commandCalls(CreateGlobalClusterCommand)[0].args[0].input).toEqual({GlobalClusterIdentifier: 'empty', Engine: 'aurora-postgresql', EngineVersion: '15.4'})
  })

  it('adds a Region: CreateDBCluster there with GlobalClusterIdentifier, then instances like the primary writer, then waits', async () => {
    rdsMock.on(DescribeGlobalClustersCommand).resolvesOnce({GlobalClusters: [global(EAST, {}, [EAST])]}).resolves({GlobalClusters: [global(EAST)]})
    rdsMock.on(DescribeDBClustersCommand, {DBClusterIdentifier: 'orders'}).resolves({
      DBClusters: [{DBClusterIdentifier: 'orders', DBClusterMembers: [{DBInstanceIdentifier: 'orders-instance-1', IsClusterWriter: true}]}],
    })
    rdsMock.on(DescribeDBInstancesCommand, {DBInstanceIdentifier: 'orders-instance-1'}).resolves({DBInstances: [{DBInstanceClass: 'db.r6g.2xlarge'}]})
    rdsMock.on(CreateDBClusterCommand).resolves({
      DBCluster: {DBClusterIdentifier: 'orders-eu', DBClusterArn: WEST, Engine: 'aurora-postgresql', AvailabilityZones: ['eu-west-1a', 'eu-west-1b']},
    })
    rdsMock.on(CreateDBInstanceCommand).resolves({})
    // A secondary has no writer instance: every one is a reader.
    rdsMock.on(DescribeDBClustersCommand, {DBClusterIdentifier: 'orders-eu'}).resolves({
      DBClusters: [{DBClusterIdentifier: 'orders-eu', Status: 'available', DBClusterMembers: ['orders-eu-instance-1', 'orders-eu-instance-2'].map((i) => ({DBInstanceIdentifier: i, IsClusterWriter: false}))}],
    })
    rdsMock
      .on(DescribeDBInstancesCommand, {Filters: [{Name: 'db-cluster-id', Values: ['orders-eu']}]})
      .resolves({DBInstances: ['orders-eu-instance-1', 'orders-eu-instance-2'].map((i) => ({DBInstanceIdentifier: i, DBInstanceStatus: 'available'}))})

    const result = await addRegion(rds, {global: 'og', region: 'eu-west-1', clusterId: 'orders-eu', instances: 2}, wait)
    expect(result.cluster.DBClusterIdentifier).toBe('orders-eu')
    expect(result.globalCluster.GlobalClusterMembers?.map((m) => m.DBClusterArn)).toContain(WEST)
    const create = rdsMock.commandCalls(CreateDBClusterCommand)
    expect(create[0].args[0].input).toEqual({DBClusterIdentifier: 'orders-eu', GlobalClusterIdentifier: 'og', Engine: 'aurora-postgresql', EngineVersion: '15.4'})
    expect(await regionOf(create[0])).toBe('eu-west-1')
    const instances = rdsMock.commandCalls(CreateDBInstanceCommand)
    expect(instances.map((c) => c.args[0].input)).toEqual([
      {DBInstanceIdentifier: 'orders-eu-instance-1', DBClusterIdentifier: 'orders-eu', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.2xlarge', AvailabilityZone: 'eu-west-1a'},
      {DBInstanceIdentifier: 'orders-eu-instance-2', DBClusterIdentifier: 'orders-eu', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.2xlarge', AvailabilityZone: 'eu-west-1b'},
    ])
    for (const call of instances) expect(await regionOf(call)).toBe('eu-west-1')
    const primaryDescribe = rdsMock.commandCalls(DescribeDBClustersCommand, {DBClusterIdentifier: 'orders'})
    expect(await regionOf(primaryDescribe[0])).toBe('us-east-1')
  })

  it('switches over by ARN and waits: FailoverState pending → switching-over → cleared, the target the writer and usable', async () => {
    describeMembers()
    const moving = {FromDbClusterArn: EAST, ToDbClusterArn: WEST, IsDataLossAllowed: false}
    // The API documents switching-over; the SDK's FailoverStatus enum does not list it yet.
    const switching = 'switching-over' as FailoverStatus
    rdsMock
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce({GlobalClusters: [global(EAST)]})
      .resolvesOnce({GlobalClusters: [global(EAST, {Status: 'switching-over', FailoverState: {Status: 'pending', ...moving}})]})
      .resolvesOnce({GlobalClusters: [global(EAST, {Status: 'switching-over', FailoverState: {Status: switching, ...moving}})]})
      // The failover state has cleared but the membership has not changed yet: not done.
      .resolvesOnce({GlobalClusters: [global(EAST)]})
      .resolves({GlobalClusters: [global(WEST)]})
    rdsMock.on(SwitchoverGlobalClusterCommand).resolves({GlobalCluster: global(EAST)})
    const progress: string[] = []
    const result = await promote(rds, {global: 'og', region: 'eu-west-1', mode: 'switchover'}, {timeoutMs: 5000, onProgress: (s) => progress.push(s)})
    expect(rdsMock.commandCalls(SwitchoverGlobalClusterCommand)[0].args[0].input).toEqual({GlobalClusterIdentifier: 'og', TargetDbClusterIdentifier: WEST})
    expect(rdsMock.commandCalls(DescribeGlobalClustersCommand)).toHaveLength(5)
    expect(progress.slice(0, 3)).toEqual([
      'global switching-over; failover pending; primary orders (us-east-1)',
      'global switching-over; failover switching-over; primary orders (us-east-1)',
      'global available; primary orders (us-east-1)',
    ])
    expect(result).toMatchObject({mode: 'switchover', target: {region: 'eu-west-1', cluster: 'orders-eu'}, previousPrimary: {region: 'us-east-1', cluster: 'orders'}})
    expect(result.globalCluster.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn).toBe(WEST)
    const usable = rdsMock.commandCalls(DescribeDBClustersCommand, {DBClusterIdentifier: 'orders-eu'})
    expect(usable.length).toBeGreaterThan(0)
    expect(await regionOf(usable[0])).toBe('eu-west-1')
  })

  it('fails over with AllowDataLoss, and detaches with RemoveFromGlobalCluster, both by ARN', async () => {
    describeMembers()
    rdsMock.on(DescribeGlobalClustersCommand).resolvesOnce({GlobalClusters: [global(EAST)]}).resolves({GlobalClusters: [global(WEST)]})
    rdsMock.on(FailoverGlobalClusterCommand).resolves({GlobalCluster: global(EAST)})
    await promote(rds, {global: 'og', region: 'eu-west-1', mode: 'failover'}, wait)
    expect(rdsMock.commandCalls(FailoverGlobalClusterCommand)[0].args[0].input).toEqual({GlobalClusterIdentifier: 'og', TargetDbClusterIdentifier: WEST, AllowDataLoss: true})

    rdsMock.reset()
    describeMembers()
    rdsMock.on(DescribeGlobalClustersCommand).resolvesOnce({GlobalClusters: [global(EAST)]}).resolves({GlobalClusters: [global(EAST, {}, [EAST])]})
    rdsMock.on(RemoveFromGlobalClusterCommand).resolves({GlobalCluster: global(EAST)})
    const detached = await promote(rds, {global: 'og', region: 'eu-west-1', mode: 'detach'}, wait)
    expect(rdsMock.commandCalls(RemoveFromGlobalClusterCommand)[0].args[0].input).toEqual({GlobalClusterIdentifier: 'og', DbClusterIdentifier: WEST})
    expect(detached.globalCluster.GlobalClusterMembers).toHaveLength(1)
  })

  it('refuses to promote the primary itself, before any request', async () => {
    rdsMock.on(DescribeGlobalClustersCommand).resolves({GlobalClusters: [global(EAST)]})
    await expect(promote(rds, {global: 'og', region: 'us-east-1', mode: 'switchover'}, wait)).rejects.toThrow(/orders in us-east-1 is already the primary/)
    expect(rdsMock.commandCalls(SwitchoverGlobalClusterCommand)).toHaveLength(0)
  })

  it('refuses to delete a global cluster that still has members, saying what to do first', async () => {
    rdsMock.on(DescribeGlobalClustersCommand).resolves({GlobalClusters: [global(EAST)]})
    const error = (await deleteGlobalCluster(rds, 'og', wait).catch((e: unknown) => e)) as Error
    expect(error.name).toBe('InvalidGlobalClusterStateFault')
    expect(error.message).toMatch(/still has members: orders \(us-east-1, primary\), orders-eu \(eu-west-1\); AWS deletes only a global cluster without members/)
    expect(error.message).toContain('auroractl global promote og --region <region> --mode detach')
    expect(rdsMock.commandCalls(DeleteGlobalClusterCommand)).toHaveLength(0)
  })
})


describe('global commands in process against a mocked SDK', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'testing')
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'testing')
  })
  afterEach(() => vi.unstubAllEnvs())

  it('global promote --mode failover without --allow-data-loss exits 2 and sends nothing', async () => {
    const result = await runInProcess(GlobalPromote, ['og', '--region', 'eu-west-1', '--mode', 'failover', '--yes'])
    expect(result.exitCode).toBe(ExitCode.usage)
    expect(result.stderr).toMatch(/needs --allow-data-loss/)
    expect(rdsMock.calls()).toHaveLength(0)
  })

  it('global promote --mode failover needs --yes when not on a TTY, stating that the lag is unknown on AWS', async () => {
    rdsMock.on(DescribeGlobalClustersCommand).resolves({GlobalClusters: [global(EAST)]})
    const result = await runInProcess(GlobalPromote, ['og', '--region', 'eu-west-1', '--mode', 'failover', '--allow-data-loss'])
    expect(result.exitCode).toBe(ExitCode.usage)
    expect(result.stderr).toContain('--yes is required to fail over global cluster og to eu-west-1, losing the writes not yet replicated there (lag unknown on AWS)')
    expect(rdsMock.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0)
  })

  it('global promote --json prints the global cluster, the target and the previous primary', async () => {
    describeMembers()
    rdsMock.on(DescribeGlobalClustersCommand).resolvesOnce({GlobalClusters: [global(EAST)]}).resolves({GlobalClusters: [global(WEST)]})
    rdsMock.on(SwitchoverGlobalClusterCommand).resolves({GlobalCluster: global(EAST)})
    const result = await runInProcess(GlobalPromote, ['og', '--region', 'eu-west-1', '--mode', 'switchover', '--json'])
    expect(result.exitCode, result.stderr).toBe(0)
    const json = JSON.parse(result.stdout)
    expect(json).toMatchObject({mode: 'switchover', target: {arn: WEST, region: 'eu-west-1', cluster: 'orders-eu', role: 'reader'}, previousPrimary: {arn: EAST}})
    expect(json.globalCluster.GlobalClusterMembers.find((m: {IsWriter: boolean}) => m.IsWriter).DBClusterArn).toBe(WEST)
  })

  it('global delete of a global cluster with members exits 4 with the next step', async () => {
    rdsMock.on(DescribeGlobalClustersCommand).resolves({GlobalClusters: [global(EAST)]})
    const result = await runInProcess(GlobalDelete, ['og', '--yes', '--region', 'us-east-1'])
    expect(result.exitCode).toBe(ExitCode.conflict)
    expect(result.stderr).toMatch(/^Error: InvalidGlobalClusterStateFault: Global cluster og still has members/)
    expect(rdsMock.commandCalls(DeleteGlobalClusterCommand)).toHaveLength(0)
  })

  it('a missing global cluster exits 3 and points at global list', async () => {
    rdsMock.on(DescribeGlobalClustersCommand).resolves({GlobalClusters: []})
    const result = await runInProcess(GlobalDelete, ['nope', '--yes', '--region', 'us-east-1'])
    expect(result.exitCode).toBe(ExitCode.notFound)
    expect(result.stderr).toContain('GlobalClusterNotFoundFault: GlobalCluster nope not found.')
    expect(result.stderr).toContain('auroractl global list')
  })
})
