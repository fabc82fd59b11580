import {execFileSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {OPERATIONS} from '../../src/lib/emulator/api/operations.js'
import {listMemberName} from '../../src/lib/emulator/api/shapes.js'
import {successResponse} from '../../src/lib/emulator/api/xml.js'
import {clusterArn} from '../../src/lib/emulator/control/model.js'
import {ControlPlane} from '../../src/lib/emulator/control/plane.js'
import {
  ReplicationLinkDown, type RegionalVolume, type ReplicationService, type ReplicationStatus,
} from '../../src/lib/emulator/control/replication.js'
import {timingProfile, type TimingProfileName} from '../../src/lib/emulator/control/timing.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import {StorageVolumes} from '../../src/lib/emulator/storage-volumes.js'
import {fault, makePlane, PG_CLUSTER} from './helpers.js'

const P = 'us-east-1'
const S = 'eu-west-1'
const PG = 'aurora-postgresql'

/** A test double of the replication port: records calls by Region, reports the lag the test sets, fails links the test cuts. */
class FakeReplication implements ReplicationService {
  calls: string[] = []
  lagLsn = new Map<string, number>()
  linksDown = new Set<string>()
  lost = {commits: 3, fromLsn: 101, toLsn: 130}

  attach(primary: RegionalVolume, secondary: RegionalVolume, options: {copy: boolean}): void {
    if (this.linksDown.has(primary.region) || this.linksDown.has(secondary.region)) {
      throw new ReplicationLinkDown(`link ${primary.region}→${secondary.region} is down`)
    }
    this.calls.push(`attach ${primary.region}→${secondary.region}${options.copy ? ' copy' : ''}`)
  }

  detach(secondary: RegionalVolume): void {
    this.calls.push(`detach ${secondary.region}`)
  }

  sever(secondary: RegionalVolume): void {
    this.calls.push(`sever ${secondary.region}`)
  }

  status(secondary: RegionalVolume): ReplicationStatus {
    const lag = this.lagLsn.get(secondary.region) ?? 0
    return {lagLsn: lag, lagMs: lag > 0 ? 800 : 0, linkUp: !this.linksDown.has(secondary.region)}
  }

  unreplicated(): {commits: number; fromLsn?: number; toLsn?: number} {
    return this.lost
  }
}

function cluster(plane: ControlPlane, region: string, id: string, extra: Record<string, unknown> = {}) {
  plane.createDBCluster(region, {DBClusterIdentifier: id, Engine: PG, ...extra})
  plane.createDBInstance(region, {DBInstanceIdentifier: `${id}-1`, DBClusterIdentifier: id, Engine: PG, DBInstanceClass: 'db.r6g.large'})
}

/** A global cluster `g1` made from `pri` (us-east-1) with a secondary `sec` in eu-west-1. */
function setup(timing: TimingProfileName = 'instant') {
  const rep = new FakeReplication()
  const {plane, clock, store, registry} = makePlane(timing, 1, rep)
  cluster(plane, P, 'pri', PG_CLUSTER)
  clock.advance(5000)
  plane.createGlobalCluster(P, {GlobalClusterIdentifier: 'g1', SourceDBClusterIdentifier: clusterArn(P, 'pri')})
  cluster(plane, S, 'sec', {GlobalClusterIdentifier: 'g1'})
  clock.advance(5000)
  return {plane, clock, rep, store, registry}
}

const globalOf = (plane: ControlPlane) => plane.describeGlobalClusters({GlobalClusterIdentifier: 'g1'}).items[0]
const ref = (plane: ControlPlane, region: string, id: string) => plane.clusterRef(region, id)
const writers = (plane: ControlPlane, region: string, id: string) =>
  plane.describeDBClusters(region, {DBClusterIdentifier: id}).items[0].members.filter((i) => i.isWriter).map((i) => i.id)
const events = (plane: ControlPlane, region: string) =>
  plane.describeEvents(region, {}).items.filter((e) => e.categories.includes('global failover')).map((e) => `${e.eventId} ${e.message}`)
/** Everything a refused request might have touched, as the API shows it. */
const world = (plane: ControlPlane) => JSON.stringify([
  plane.describeGlobalClusters({}), plane.describeDBClusters(P, {}), plane.describeDBClusters(S, {}),
  plane.describeDBInstances(P, {}), plane.describeDBInstances(S, {}), plane.clusterRefs(),
])

describe('creating a global database', () => {
  it('from an existing cluster: it becomes the primary, engine and version come from it', () => {
    const rep = new FakeReplication()
    const {plane} = makePlane('instant', 1, rep)
    cluster(plane, P, 'pri', {...PG_CLUSTER, EngineVersion: '15.8', DatabaseName: 'app'})
    const view = plane.createGlobalCluster(S, {GlobalClusterIdentifier: 'G1', SourceDBClusterIdentifier: clusterArn(P, 'pri')})
    expect(view.global).toMatchObject({id: 'g1', status: 'available', engine: PG, engineVersion: '15.8', databaseName: 'app'})
    expect(view.global.resourceId).toMatch(/^cluster-[A-Z0-9]{26}$/)
    expect(view.members).toEqual([{
      member: {region: P, clusterResourceId: ref(plane, P, 'pri').resourceId, isWriter: true, synchronizationStatus: 'connected'},
      arn: clusterArn(P, 'pri'), readers: [],
    }])
    expect(ref(plane, P, 'pri')).toMatchObject({globalRole: 'primary', globalClusterId: 'g1', acceptsWrites: true})
    expect(plane.describeDBClusters(P, {DBClusterIdentifier: 'pri'}).items[0].cluster.global).toEqual({id: 'g1', role: 'primary'})
    expect(rep.calls).toEqual([])
  })

  it('empty, then a primary and a read-only secondary in another Region that starts as a copy of the primary', () => {
    const rep = new FakeReplication()
    const {plane} = makePlane('instant', 1, rep)
    plane.createGlobalCluster(P, {GlobalClusterIdentifier: 'g1', Engine: PG, EngineVersion: '15.8', DatabaseName: 'app', StorageEncrypted: true})
    cluster(plane, P, 'pri', {...PG_CLUSTER, GlobalClusterIdentifier: 'g1'})
    expect(rep.calls).toEqual([])
    cluster(plane, S, 'sec', {GlobalClusterIdentifier: 'g1'})
    expect(rep.calls).toEqual(['attach us-east-1→eu-west-1 copy'])
    const pri = plane.describeDBClusters(P, {DBClusterIdentifier: 'pri'}).items[0].cluster
    expect(pri).toMatchObject({engineVersion: '15.8', databaseName: 'app', storageEncrypted: true, global: {id: 'g1', role: 'primary'}})
    const g = globalOf(plane)
    expect(g.members.map((m) => [m.arn, m.member.isWriter, m.member.synchronizationStatus, m.readers])).toEqual([
      [clusterArn(P, 'pri'), true, 'connected', [clusterArn(S, 'sec')]],
      [clusterArn(S, 'sec'), false, 'connected', []],
    ])
    const sec = plane.describeDBClusters(S, {DBClusterIdentifier: 'sec'}).items[0]
    expect(sec.cluster).toMatchObject({masterUsername: 'master', engineVersion: '15.8', databaseName: 'app', global: {id: 'g1', role: 'secondary'}})
    expect(sec.members.map((i) => i.isWriter)).toEqual([false])
    expect(ref(plane, S, 'sec')).toMatchObject({globalRole: 'secondary', acceptsWrites: false})
    expect(plane.computeTopologies().find((t) => t.id === 'sec')?.masterUserPassword).toBe(PG_CLUSTER.MasterUserPassword)
  })

  it('records the secondary as pending-resync while its link is down and connects it when the link is back', () => {
    const {plane, clock, rep} = setup()
    rep.linksDown.add('ap-southeast-2')
    cluster(plane, 'ap-southeast-2', 'sec2', {GlobalClusterIdentifier: 'g1'})
    expect(globalOf(plane).members[2].member.synchronizationStatus).toBe('pending-resync')
    clock.advance(timingProfile('instant').globalResyncRetry)
    expect(globalOf(plane).members[2].member.synchronizationStatus).toBe('pending-resync')
    rep.linksDown.clear()
    clock.advance(timingProfile('instant').globalResyncRetry)
    expect(globalOf(plane).members[2].member.synchronizationStatus).toBe('connected')
    expect(rep.calls.at(-1)).toBe('attach us-east-1→ap-southeast-2 copy')
  })

  it('keeps global clusters and roles across a restart', () => {
    const {plane, clock, rep, store, registry} = setup()
    const reopened = new ControlPlane({
      clock, prng: new Prng(1), store, timing: timingProfile('instant'), volumes: new StorageVolumes(registry), replication: rep,
    })
    expect(JSON.stringify(reopened.describeGlobalClusters({}))).toBe(JSON.stringify(plane.describeGlobalClusters({})))
    expect(ref(reopened, S, 'sec').globalRole).toBe('secondary')
  })
})

describe('refusals: the AWS code, one clear line, and nothing changed', () => {
  const other = '14.13'
  // Each case: what it is, the refused request, its code, and (optionally) what it needs made first.
  const cases: [string, (plane: ControlPlane) => unknown, string, ((plane: ControlPlane) => unknown)?][] = [
    ['a second member in the same Region', (p) => p.createDBCluster(S, {DBClusterIdentifier: 'x', Engine: PG, GlobalClusterIdentifier: 'g1'}), 'InvalidGlobalClusterStateFault'],
    ['another engine', (p) => p.createDBCluster('ap-south-1', {DBClusterIdentifier: 'x', Engine: 'aurora-mysql', GlobalClusterIdentifier: 'g1'}), 'InvalidParameterCombination'],
    ['another engine version', (p) => p.createDBCluster('ap-south-1', {DBClusterIdentifier: 'x', Engine: PG, EngineVersion: other, GlobalClusterIdentifier: 'g1'}), 'InvalidParameterCombination'],
    ['a master user on a secondary', (p) => p.createDBCluster('ap-south-1', {DBClusterIdentifier: 'x', Engine: PG, MasterUsername: 'm', GlobalClusterIdentifier: 'g1'}), 'InvalidParameterCombination'],
    ['a password on a secondary', (p) => p.createDBCluster('ap-south-1', {DBClusterIdentifier: 'x', Engine: PG, MasterUserPassword: 'secret-pass-1', GlobalClusterIdentifier: 'g1'}), 'InvalidParameterCombination'],
    ['backtrack on a secondary', (p) => p.createDBCluster('ap-south-1', {DBClusterIdentifier: 'x', Engine: PG, BacktrackWindow: 3600, GlobalClusterIdentifier: 'g1'}), 'InvalidParameterCombination'],
    ['joining an unknown global cluster', (p) => p.createDBCluster('ap-south-1', {DBClusterIdentifier: 'x', Engine: PG, GlobalClusterIdentifier: 'nope'}), 'GlobalClusterNotFoundFault'],
    ['describing an unknown global cluster', (p) => p.describeGlobalClusters({GlobalClusterIdentifier: 'nope'}), 'GlobalClusterNotFoundFault'],
    ['a global cluster id that exists', (p) => p.createGlobalCluster(P, {GlobalClusterIdentifier: 'g1', Engine: PG}), 'GlobalClusterAlreadyExistsFault'],
    ['a source that is already a member', (p) => p.createGlobalCluster(P, {GlobalClusterIdentifier: 'g2', SourceDBClusterIdentifier: clusterArn(S, 'sec')}), 'InvalidDBClusterStateFault'],
    ['a source with an engine', (p) => p.createGlobalCluster(P, {GlobalClusterIdentifier: 'g2', SourceDBClusterIdentifier: clusterArn(P, 'pri'), Engine: PG}), 'InvalidParameterCombination'],
    ['neither source nor engine', (p) => p.createGlobalCluster(P, {GlobalClusterIdentifier: 'g2'}), 'InvalidParameterCombination'],
    ['deleting a global cluster with members', (p) => p.deleteGlobalCluster({GlobalClusterIdentifier: 'g1'}), 'InvalidGlobalClusterStateFault'],
    ['deleting a secondary member', (p) => p.deleteDBCluster(S, {DBClusterIdentifier: 'sec', SkipFinalSnapshot: true}), 'InvalidDBClusterStateFault'],
    ['deleting the primary while secondaries remain', (p) => p.deleteDBCluster(P, {DBClusterIdentifier: 'pri', SkipFinalSnapshot: true}),
      'InvalidGlobalClusterStateFault', (p) => p.deleteDBInstance(P, {DBInstanceIdentifier: 'pri-1'})],
    ['removing the primary while secondaries remain', (p) => p.removeFromGlobalCluster(P, {GlobalClusterIdentifier: 'g1', DbClusterIdentifier: clusterArn(P, 'pri')}), 'InvalidGlobalClusterStateFault'],
    ['removing a cluster that is not a member', (p) => p.removeFromGlobalCluster(P, {GlobalClusterIdentifier: 'g1', DbClusterIdentifier: clusterArn(P, 'loner')}),
      'InvalidDBClusterStateFault', (p) => p.createDBCluster(P, {DBClusterIdentifier: 'loner', ...PG_CLUSTER})],
    ['a malformed cluster ARN', (p) => p.switchoverGlobalCluster(P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: 'arn:aws:rds:eu-west-1:1:cluster:sec'}), 'InvalidParameterValue'],
    ['an unknown target', (p) => p.switchoverGlobalCluster(P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(S, 'nope')}), 'DBClusterNotFoundFault'],
    ['switching over to the primary', (p) => p.switchoverGlobalCluster(P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(P, 'pri')}), 'InvalidParameterValue'],
    ['Switchover and AllowDataLoss together', (p) => p.failoverGlobalCluster(P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(S, 'sec'), AllowDataLoss: true, Switchover: true}), 'InvalidParameterCombination'],
    ['FailoverDBCluster on a secondary', (p) => p.failoverDBCluster(S, {DBClusterIdentifier: 'sec'}), 'InvalidDBClusterStateFault'],
    ['stopping a member', (p) => p.stopDBCluster(P, {DBClusterIdentifier: 'pri'}), 'InvalidDBClusterStateFault'],
    ['renaming to a taken global cluster id', (p) => p.modifyGlobalCluster({GlobalClusterIdentifier: 'g1', NewGlobalClusterIdentifier: 'g2'}),
      'GlobalClusterAlreadyExistsFault', (p) => p.createGlobalCluster(P, {GlobalClusterIdentifier: 'g2', Engine: PG})],
  ]
  for (const [name, request, code, prepare] of cases) {
    it(name, () => {
      const {plane} = setup()
      prepare?.(plane)
      const before = world(plane)
      const f = fault(() => request(plane))
      expect(f.code).toBe(code)
      expect(f.message).toMatch(/^[^\n]{10,200}$/)
      expect(world(plane)).toBe(before)
    })
  }

  it('an 11th secondary', () => {
    const {plane} = setup()
    const regions = ['us-west-1', 'us-west-2', 'eu-central-1', 'eu-west-2', 'eu-west-3', 'ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'sa-east-1']
    for (const [i, r] of regions.entries()) plane.createDBCluster(r, {DBClusterIdentifier: `s${i}`, Engine: PG, GlobalClusterIdentifier: 'g1'})
    expect(globalOf(plane).members).toHaveLength(11)
    const before = world(plane)
    const f = fault(() => plane.createDBCluster('ca-central-1', {DBClusterIdentifier: 'one-too-many', Engine: PG, GlobalClusterIdentifier: 'g1'}))
    expect(f).toMatchObject({code: 'GlobalClusterQuotaExceededFault', httpStatus: 400})
    expect(world(plane)).toBe(before)
  })

  it('a deletion-protected global cluster', () => {
    const {plane} = makePlane('instant', 1, new FakeReplication())
    plane.createGlobalCluster(P, {GlobalClusterIdentifier: 'g1', Engine: PG, DeletionProtection: true})
    expect(fault(() => plane.deleteGlobalCluster({GlobalClusterIdentifier: 'g1'})).code).toBe('InvalidParameterCombination')
    plane.modifyGlobalCluster({GlobalClusterIdentifier: 'g1', DeletionProtection: false})
    expect(plane.deleteGlobalCluster({GlobalClusterIdentifier: 'g1'}).global.status).toBe('deleting')
    expect(fault(() => globalOf(plane)).httpStatus).toBe(404)
  })
})

describe('switchover', () => {
  it('fences the old primary, waits while the target lags, then swaps the roles (FailoverGlobalCluster without AllowDataLoss)', () => {
    const {plane, clock, rep} = setup()
    rep.calls = []
    rep.lagLsn.set(S, 5)
    const reply = plane.failoverGlobalCluster(P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(S, 'sec')})
    expect(reply.global.status).toBe('switching-over')
    expect(reply.global.failoverState).toMatchObject({
      status: 'switching-over', isDataLossAllowed: false, fromDbClusterArn: clusterArn(P, 'pri'), toDbClusterArn: clusterArn(S, 'sec'),
    })
    expect(ref(plane, P, 'pri')).toMatchObject({globalRole: 'demoting', acceptsWrites: false})
    expect(ref(plane, S, 'sec').acceptsWrites).toBe(false)
    clock.advance(10 * timingProfile('instant').globalSyncPoll)
    expect(globalOf(plane).global.status).toBe('switching-over')
    expect(rep.calls).toEqual([])

    rep.lagLsn.set(S, 0)
    clock.advance(timingProfile('instant').globalSyncPoll)
    const g = globalOf(plane)
    expect(g.global.status).toBe('available')
    expect(g.global.failoverState).toBeUndefined()
    expect(g.members.map((m) => [m.arn, m.member.isWriter, m.member.synchronizationStatus])).toEqual([
      [clusterArn(P, 'pri'), false, 'connected'], [clusterArn(S, 'sec'), true, 'connected'],
    ])
    expect(rep.calls).toEqual(['detach eu-west-1', 'attach eu-west-1→us-east-1'])
    expect(ref(plane, S, 'sec')).toMatchObject({globalRole: 'primary', acceptsWrites: true})
    expect(ref(plane, P, 'pri')).toMatchObject({globalRole: 'secondary', acceptsWrites: false})
    expect(writers(plane, S, 'sec')).toEqual(['sec-1'])
    expect(writers(plane, P, 'pri')).toEqual([])
    expect(events(plane, S)).toEqual([
      'RDS-EVENT-0181 Global switchover to DB cluster sec in Region eu-west-1 started.',
      'RDS-EVENT-0183 Waiting for data synchronization across global cluster members. Current lags behind primary DB cluster: sec 800 ms (5 LSNs).',
      'RDS-EVENT-0184 New primary DB cluster sec in Region eu-west-1 was successfully promoted.',
      'RDS-EVENT-0185 Global switchover to DB cluster sec in Region eu-west-1 finished.',
    ])
    expect(events(plane, P)).toEqual(['RDS-EVENT-0182 Old primary DB cluster pri in Region us-east-1 successfully shut down.'])
  })

  it('shows FailoverState pending first (fast profile) and re-points every other secondary with a fresh copy', () => {
    const {plane, clock, rep} = setup('fast')
    cluster(plane, 'ap-southeast-2', 'sec2', {GlobalClusterIdentifier: 'g1'})
    clock.advance(5000)
    rep.calls = []
    const reply = plane.switchoverGlobalCluster(P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(S, 'sec')})
    expect(reply.global.failoverState?.status).toBe('pending')
    expect(fault(() => plane.switchoverGlobalCluster(P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn('ap-southeast-2', 'sec2')})).code)
      .toBe('InvalidGlobalClusterStateFault')
    clock.advance(timingProfile('fast').globalFailoverStep)
    expect(globalOf(plane).global.status).toBe('available')
    expect(rep.calls).toEqual(['detach eu-west-1', 'attach eu-west-1→us-east-1', 'detach ap-southeast-2', 'attach eu-west-1→ap-southeast-2 copy'])
    expect(globalOf(plane).members.find((m) => m.member.isWriter)?.readers.sort()).toEqual([clusterArn(P, 'pri'), clusterArn('ap-southeast-2', 'sec2')].sort())
  })
})

describe('failover with data loss', () => {
  it('promotes at once, records what was lost, and resyncs the old primary with a fresh copy', () => {
    const {plane, rep} = setup()
    rep.calls = []
    const reply = plane.failoverGlobalCluster(P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(S, 'sec'), AllowDataLoss: true})
    // The instant profile completes the failover inside the request.
    expect(reply.global.status).toBe('available')
    expect(rep.calls).toEqual(['sever eu-west-1', 'detach eu-west-1', 'attach eu-west-1→us-east-1 copy'])
    expect(ref(plane, S, 'sec')).toMatchObject({globalRole: 'primary', acceptsWrites: true})
    expect(ref(plane, P, 'pri')).toMatchObject({globalRole: 'secondary', acceptsWrites: false})
    expect(plane.globalClusterDataLoss('g1')).toEqual({
      at: expect.any(Number), fromDbClusterArn: clusterArn(P, 'pri'), toDbClusterArn: clusterArn(S, 'sec'), commits: 3, fromLsn: 101, toLsn: 130,
    })
    expect(events(plane, S)).toEqual([
      'RDS-EVENT-0238 Global failover to DB cluster sec in Region eu-west-1 completed. 3 commit(s) of the old primary (LSN 101–130) were not replicated and are lost.',
    ])
    expect(events(plane, P)).toEqual([
      'RDS-EVENT-0240 Started resynchronizing members of DB cluster pri in Region us-east-1 after global failover.',
      'RDS-EVENT-0241 Finished resynchronizing members of DB cluster pri in Region us-east-1 after global failover.',
    ])
  })

  it('shows failing-over, and keeps the unreachable old primary pending-resync until its link is back (fast profile)', () => {
    const {plane, clock, rep} = setup('fast')
    rep.linksDown.add(P)
    const reply = plane.failoverGlobalCluster(P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(S, 'sec'), AllowDataLoss: true})
    expect(reply.global.status).toBe('failing-over')
    expect(reply.global.failoverState).toMatchObject({status: 'failing-over', isDataLossAllowed: true})
    expect(reply.members.map((m) => m.member.synchronizationStatus)).toEqual(['pending-resync', 'connected'])
    clock.advance(timingProfile('fast').globalFailoverStep)
    expect(globalOf(plane).global.status).toBe('available')
    clock.advance(5 * timingProfile('fast').globalResyncRetry)
    expect(globalOf(plane).members[0].member.synchronizationStatus).toBe('pending-resync')
    rep.linksDown.clear()
    clock.advance(timingProfile('fast').globalResyncRetry)
    expect(globalOf(plane).members[0].member.synchronizationStatus).toBe('connected')
    expect(rep.calls.at(-1)).toBe('attach eu-west-1→us-east-1 copy')
  })
})

describe('detach and delete', () => {
  it('RemoveFromGlobalCluster makes the secondary a standalone read/write cluster; then the primary and the global cluster go', () => {
    const {plane, rep} = setup()
    rep.calls = []
    const view = plane.removeFromGlobalCluster(P, {GlobalClusterIdentifier: 'g1', DbClusterIdentifier: clusterArn(S, 'sec')})
    expect(view.members.map((m) => m.arn)).toEqual([clusterArn(P, 'pri')])
    expect(rep.calls).toEqual(['detach eu-west-1'])
    expect(ref(plane, S, 'sec')).toMatchObject({globalRole: 'none', acceptsWrites: true, globalClusterId: undefined})
    expect(writers(plane, S, 'sec')).toEqual(['sec-1'])
    plane.removeFromGlobalCluster(P, {GlobalClusterIdentifier: 'g1', DbClusterIdentifier: clusterArn(P, 'pri')})
    expect(plane.deleteGlobalCluster({GlobalClusterIdentifier: 'g1'}).members).toEqual([])
    expect(plane.describeGlobalClusters({}).items).toEqual([])
  })

  it('deleting the only member (the primary) takes it out of the global cluster', () => {
    const {plane} = makePlane('instant', 1, new FakeReplication())
    plane.createDBCluster(P, {DBClusterIdentifier: 'pri', ...PG_CLUSTER})
    plane.createGlobalCluster(P, {GlobalClusterIdentifier: 'g1', SourceDBClusterIdentifier: 'pri'})
    plane.deleteDBCluster(P, {DBClusterIdentifier: 'pri', SkipFinalSnapshot: true})
    expect(globalOf(plane).members).toEqual([])
  })

  it('ModifyGlobalCluster renames it for its members too; the region filter finds it by any member', () => {
    const {plane} = setup()
    plane.modifyGlobalCluster({GlobalClusterIdentifier: 'g1', NewGlobalClusterIdentifier: 'Global-2'})
    expect(plane.describeGlobalClusters({GlobalClusterIdentifier: 'global-2'}).items).toHaveLength(1)
    expect(ref(plane, S, 'sec').globalClusterId).toBe('global-2')
    expect(plane.describeGlobalClusters({Filters: [{Name: 'region', Values: [S]}]}).items).toHaveLength(1)
    expect(plane.describeGlobalClusters({Filters: [{Name: 'region', Values: ['ap-south-1']}]}).items).toHaveLength(0)
  })
})

/** botocore's own Query parser on a reply body, for the replies the daemon cannot give until replication is wired. */
function botocoreParse(action: string, xml: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const script = [
    'import sys, json, botocore.session, botocore.parsers',
    "op = botocore.session.get_session().get_service_model('rds').operation_model(sys.argv[1])",
    "r = botocore.parsers.QueryParser().parse({'body': sys.stdin.buffer.read(), 'headers': {}, 'status_code': 200}, op.output_shape)",
    'print(json.dumps(r, default=str))',
  ].join('\n')
  return JSON.parse(execFileSync('python3', ['-c', script, action], {input: xml}).toString())
}

describe('botocore parses the replies', () => {
  it('of switchover and failover, with FailoverState, members, readers and the global writer endpoint', () => {
    const {plane, rep} = setup('fast')
    rep.lagLsn.set(S, 1)
    const reply = (action: string, input: Record<string, unknown>) =>
      botocoreParse(action, successResponse(action, OPERATIONS[action].handle(plane, P, input), 'req-1', listMemberName))
    const switching = reply('SwitchoverGlobalCluster', {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(S, 'sec')})
    expect(switching.GlobalCluster).toMatchObject({
      GlobalClusterIdentifier: 'g1', GlobalClusterArn: 'arn:aws:rds::000000000000:global-cluster:g1', Status: 'switching-over',
      Engine: PG, DeletionProtection: false, StorageEncrypted: false,
      FailoverState: {Status: 'pending', FromDbClusterArn: clusterArn(P, 'pri'), ToDbClusterArn: clusterArn(S, 'sec'), IsDataLossAllowed: false},
      GlobalClusterMembers: [
        {DBClusterArn: clusterArn(P, 'pri'), Readers: [clusterArn(S, 'sec')], IsWriter: true, SynchronizationStatus: 'connected'},
        {DBClusterArn: clusterArn(S, 'sec'), Readers: [], IsWriter: false, SynchronizationStatus: 'connected'},
      ],
    })
    expect(switching.GlobalCluster.Endpoint).toMatch(/^g1\.global-[a-z0-9]{12}\.global\.rds\.amazonaws\.com$/)
    const refused = fault(() => reply('FailoverGlobalCluster', {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(S, 'sec'), AllowDataLoss: true}))
    expect(refused.code).toBe('InvalidGlobalClusterStateFault')

    const {plane: plane2} = setup('fast')
    const failing = botocoreParse('FailoverGlobalCluster', successResponse('FailoverGlobalCluster', OPERATIONS.FailoverGlobalCluster.handle(
      plane2, P, {GlobalClusterIdentifier: 'g1', TargetDbClusterIdentifier: clusterArn(S, 'sec'), AllowDataLoss: true}), 'req-2', listMemberName))
    expect(failing.GlobalCluster.FailoverState).toEqual({
      Status: 'failing-over', FromDbClusterArn: clusterArn(P, 'pri'), ToDbClusterArn: clusterArn(S, 'sec'), IsDataLossAllowed: true,
    })
    const described = botocoreParse('DescribeGlobalClusters', successResponse('DescribeGlobalClusters',
      OPERATIONS.DescribeGlobalClusters.handle(plane2, P, {}), 'req-3', listMemberName))
    expect(described.GlobalClusters.map((g: {GlobalClusterIdentifier: string}) => g.GlobalClusterIdentifier)).toEqual(['g1'])
    const secondary = botocoreParse('DescribeDBClusters', successResponse('DescribeDBClusters',
      OPERATIONS.DescribeDBClusters.handle(plane2, P, {DBClusterIdentifier: 'pri'}), 'req-4', listMemberName))
    expect(secondary.DBClusters[0].GlobalClusterIdentifier).toBe('g1')
  })
})
