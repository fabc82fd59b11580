import type {DBCluster, GlobalCluster} from '@aws-sdk/client-rds'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {AddRegionResult, GlobalDescription} from '../../src/lib/rds/global.js'
import {MOTO_ENV, type Moto, startMoto} from '../helpers/moto.js'
import {cli, type RunResult} from '../helpers/process.js'

function json<T>(result: RunResult): T {
  expect(result.code, `exit ${result.code}; stderr: ${result.stderr}`).toBe(0)
  return JSON.parse(result.stdout) as T
}

// Requires `npm run build` first. moto 5.2 keeps global clusters in us-east-1 and lacks failover
// and switchover (HTTP 500 HTML); it detaches only members in us-east-1, and does not mark a
// source cluster as the writer. What it does support is driven here through the CLI; the rest
// is covered with aws-sdk-client-mock (global-mock.test.ts).
describe('global databases on the aws backend against moto_server', () => {
  let moto: Moto
  let run: (args: string[], region?: string) => Promise<RunResult>
  beforeAll(async () => {
    moto = await startMoto()
    run = (args, region = 'us-east-1') => cli([...args, '--backend', 'aws', '--endpoint-url', moto.endpoint, '--region', region], {env: MOTO_ENV, input: 'pa55word-moto\n'})
    json(await run(['cluster', 'create', 'src', '--instances', '1', '--master-password-stdin', '--json']))
  })
  afterAll(async () => {
    await moto?.stop()
  })

  it('creates a global cluster from a cluster, describes and lists it, refuses to delete it with members, detaches, deletes', async () => {
    const created = json<GlobalCluster>(await run(['global', 'create', 'g1', '--from', 'src', '--json']))
    expect(created.GlobalClusterIdentifier).toBe('g1')
    expect(created.GlobalClusterMembers?.map((m) => m.DBClusterArn)).toEqual(['arn:aws:rds:us-east-1:123456789012:cluster:src'])

    const described = json<GlobalDescription>(await run(['global', 'describe', 'g1', '--json']))
    expect(described.members).toEqual([expect.objectContaining({region: 'us-east-1', cluster: 'src', status: 'available'})])
    expect(described.replication).toBeUndefined()
    const human = await run(['global', 'describe', 'g1'])
    expect(human.stdout).toMatch(/^g1 {2}available {2}aurora-postgresql/)
    expect(human.stdout).toMatch(/ROLE\s+REGION\s+CLUSTER\s+STATUS\s+SYNC\n\w+\s+us-east-1\s+src\s+available/)

    const listed = json<GlobalCluster[]>(await run(['global', 'list', '--json']))
    expect(listed.map((g) => g.GlobalClusterIdentifier)).toContain('g1')

    const refused = await run(['global', 'delete', 'g1', '--yes'])
    expect(refused.code).toBe(4)
    expect(refused.stderr).toContain('InvalidGlobalClusterStateFault: Global cluster g1 still has members: src (us-east-1')

    const detached = json<{globalCluster: GlobalCluster; target: {cluster: string}}>(await run(['global', 'promote', 'g1', '--mode', 'detach', '--json']))
    expect(detached.target.cluster).toBe('src')
    expect(detached.globalCluster.GlobalClusterMembers).toEqual([])

    json(await run(['global', 'delete', 'g1', '--yes', '--json']))
    const gone = await run(['global', 'describe', 'g1'])
    expect(gone.code).toBe(3)
    expect(gone.stderr).toContain('GlobalClusterNotFoundFault')
  })

  it('refuses to delete without --yes when not on a TTY', async () => {
    json(await run(['global', 'create', 'g-keep', '--engine', 'aurora-postgresql', '--json']))
    const refused = await run(['global', 'delete', 'g-keep'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--yes is required to delete global cluster g-keep/)
  })

  it('adds a Region: a secondary cluster in that Region, with its instances, that is a member', async () => {
    const empty = json<GlobalCluster>(await run(['global', 'create', 'g2', '--engine', 'aurora-postgresql', '--engine-version', '15.4', '--json']))
    expect(empty).toMatchObject({Engine: 'aurora-postgresql', EngineVersion: '15.4', GlobalClusterMembers: []})

    const added = json<AddRegionResult>(await run(['global', 'add-region', 'g2', 'eu-west-1', '--instances', '2', '--instance-class', 'db.r6g.xlarge', '--json']))
    expect(added.cluster).toMatchObject({DBClusterIdentifier: 'g2-eu-west-1', Status: 'available', GlobalClusterIdentifier: 'g2'})
    expect(added.globalCluster.GlobalClusterMembers?.map((m) => m.DBClusterArn)).toEqual(['arn:aws:rds:eu-west-1:123456789012:cluster:g2-eu-west-1'])

    const there = json<DBCluster>(await run(['cluster', 'describe', 'g2-eu-west-1', '--json'], 'eu-west-1'))
    expect(there.DBClusterMembers).toHaveLength(2)
    const notHere = await run(['cluster', 'describe', 'g2-eu-west-1'])
    expect(notHere.code).toBe(3)
  })
})
