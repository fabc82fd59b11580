import fs from 'node:fs'
import path from 'node:path'

import {
  CreateDBClusterCommand, CreateDBInstanceCommand, CreateGlobalClusterCommand, DescribeGlobalClustersCommand, FailoverGlobalClusterCommand,
  RDSClient, RemoveFromGlobalClusterCommand, SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'
import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cli, waitFor} from '../helpers/process.js'

// A global database on real rows through the daemon: storage-level replication from the primary's volume to a
// secondary in another Region, switchover (nothing lost, 20 times under a write load), failover with data loss
// while the link is down (exactly the unshipped commits lost, and reported), detach. Requires `npm run build`.

const PASSWORD = 'pa55word-global'
const EAST = 'us-east-1'
const WEST = 'us-west-2'
const arn = (region: string, id: string) => `arn:aws:rds:${region}:000000000000:cluster:${id}`

interface GlobalReport {
  primary?: {region: string; cluster: string}
  secondaries: {region: string; cluster: string; role: string; lagMs?: number; lagLsn?: number; linkUp?: boolean; bytesShipped?: number; commitsShipped?: number}[]
  lastFailover?: {lostCommits: number; fromLsn?: number; toLsn?: number}
}

describe('global database on real rows', () => {
  let local: LocalHome
  let endpoint: string
  const clients = new Map<string, RDSClient>()
  const rds = (region: string) => {
    let c = clients.get(region)
    if (!c) {
      c = new RDSClient({endpoint, region, credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
      clients.set(region, c)
    }
    return c
  }
  const admin = async <T>(route: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${endpoint}/_auroractl/${route}`, body === undefined ? {} : {method: 'POST', body: JSON.stringify(body)})
    expect(response.ok, `${route}: ${response.status}`).toBe(true)
    return (await response.json()) as T
  }
  const report = () => admin<GlobalReport>('global?id=gdb')
  const ports = new Map<string, number>()
  /** The port of a cluster's endpoint (`cluster` or `reader`); a cluster keeps its ports. */
  const port = async (region: string, cluster: string, kind: 'cluster' | 'reader') => {
    const known = ports.get(`${region}/${cluster}/${kind}`)
    if (known) return known
    let found = 0
    await waitFor(async () => {
      const r = await admin<{endpoints: {kind: string; port: number}[]}>(`compute?region=${region}&cluster=${cluster}`)
      found = r.endpoints.find((e) => e.kind === kind)?.port ?? 0
      return found > 0
    }, 30_000, `the ${kind} endpoint of ${cluster}`)
    ports.set(`${region}/${cluster}/${kind}`, found)
    return found
  }
  const query = async (region: string, cluster: string, kind: 'cluster' | 'reader', sql: string, params: unknown[] = []) => {
    const client = new pg.Client({host: '127.0.0.1', port: await port(region, cluster, kind), user: 'admin1', password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 30_000})
    client.on('error', () => undefined)
    await client.connect()
    try {
      return (await client.query(sql, params)).rows
    } finally {
      await client.end().catch(() => undefined)
    }
  }
  /** Retries while the endpoint refuses (a promotion in progress, a replica opening). */
  const eventually = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    let result: T | undefined
    await waitFor(async () => {
      result = await fn()
      return true
    }, 60_000, what)
    return result as T
  }
  const ids = async (region: string, cluster: string, kind: 'cluster' | 'reader') =>
    (await eventually(`rows of ${cluster}`, () => query(region, cluster, kind, 'SELECT id FROM g ORDER BY id'))).map((r) => Number(r.id))
  const settled = async () =>
    waitFor(async () => {
      const g = (await rds(EAST).send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: 'gdb'}))).GlobalClusters![0]
      return g.Status === 'available' && g.FailoverState === undefined && g.GlobalClusterMembers!.every((m) => m.SynchronizationStatus === 'connected')
    }, 60_000, 'the global cluster to settle')

  beforeAll(async () => {
    local = localHome('fast')
    const created = await cli(['cluster', 'create', 'prim', '--instances', '1', '--master-username', 'admin1', '--master-password-stdin'], {env: local.env, input: `${PASSWORD}\n`})
    expect(created.code, created.stderr).toBe(0)
    endpoint = (JSON.parse(fs.readFileSync(path.join(local.home, 'daemon.json'), 'utf8')) as {endpoint: string}).endpoint
    await query(EAST, 'prim', 'cluster', 'CREATE TABLE g (id int PRIMARY KEY); INSERT INTO g SELECT generate_series(1, 10)')
    await rds(EAST).send(new CreateGlobalClusterCommand({GlobalClusterIdentifier: 'gdb', SourceDBClusterIdentifier: arn(EAST, 'prim')}))
    await rds(WEST).send(new CreateDBClusterCommand({DBClusterIdentifier: 'sec', Engine: 'aurora-postgresql', GlobalClusterIdentifier: 'gdb'}))
    await rds(WEST).send(new CreateDBInstanceCommand({DBInstanceIdentifier: 'sec-1', DBClusterIdentifier: 'sec', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'}))
    await settled()
  }, 120_000)
  afterAll(async () => {
    await local?.cleanup()
  })

  it('replicates rows to the secondary, which refuses writes; a small commit ships as log, not pages', async () => {
    await eventually('the secondary to have the first rows', async () => {
      expect(await ids(WEST, 'sec', 'reader')).toEqual(Array.from({length: 10}, (_, i) => i + 1))
    })
    const before = (await report()).secondaries[0]
    await query(EAST, 'prim', 'cluster', 'INSERT INTO g VALUES (11)')
    await eventually('row 11 on the secondary', async () => expect(await ids(WEST, 'sec', 'reader')).toContain(11))
    const after = (await report()).secondaries[0]
    expect(after.commitsShipped! - before.commitsShipped!).toBe(1)
    expect(after.bytesShipped! - before.bytesShipped!).toBeLessThanOrEqual(1024)
    const refused = await query(WEST, 'sec', 'cluster', 'SELECT 1').then(() => 'accepted', (error: Error) => error.message)
    expect(refused).toMatch(/secondary cluster of a global database/)
  })

  it('the global writer endpoint follows the primary', {timeout: 120_000}, async () => {
    const writer = async (sql: string) => {
      const {writerEndpoint} = await admin<{writerEndpoint?: {port: number}}>('global?id=gdb')
      const client = new pg.Client({host: '127.0.0.1', port: writerEndpoint!.port, user: 'admin1', password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 30_000})
      client.on('error', () => undefined)
      await client.connect()
      try {
        return (await client.query(sql)).rows
      } finally {
        await client.end().catch(() => undefined)
      }
    }
    await eventually('the global writer endpoint', () => writer('INSERT INTO g VALUES (901)'))
    expect(await ids(EAST, 'prim', 'cluster')).toContain(901)
    await rds(EAST).send(new SwitchoverGlobalClusterCommand({GlobalClusterIdentifier: 'gdb', TargetDbClusterIdentifier: arn(WEST, 'sec')}))
    await settled()
    await eventually('the global writer endpoint on the new primary', () => writer('INSERT INTO g VALUES (902)'))
    expect(await ids(WEST, 'sec', 'cluster')).toContain(902)
    await rds(EAST).send(new SwitchoverGlobalClusterCommand({GlobalClusterIdentifier: 'gdb', TargetDbClusterIdentifier: arn(EAST, 'prim')}))
    await settled()
  })

  it('20 switchovers under a write load lose and duplicate nothing', {timeout: 600_000}, async () => {
    let next = 1000
    const acknowledged: number[] = []
    let stop = false
    let failures = 0
    const loop = (async () => {
      while (!stop) {
        const primary = (await report()).primary!
        const id = next++
        try {
          await query(primary.region, primary.cluster, 'cluster', 'INSERT INTO g VALUES ($1)', [id])
          acknowledged.push(id)
        } catch {
          failures++
          await new Promise((r) => setTimeout(r, 20))
        }
      }
    })()
    for (let n = 0; n < 20; n++) {
      await new Promise((r) => setTimeout(r, 200))
      const {primary} = await report()
      const target = primary!.region === EAST ? {region: WEST, cluster: 'sec'} : {region: EAST, cluster: 'prim'}
      await rds(EAST).send(new SwitchoverGlobalClusterCommand({GlobalClusterIdentifier: 'gdb', TargetDbClusterIdentifier: arn(target.region, target.cluster)}))
      await settled()
      expect((await report()).primary).toEqual(target)
      // The next switchover waits until the new primary takes writes (its writer engine has opened).
      await eventually('the new primary to take writes', () => query(target.region, target.cluster, 'cluster', 'SELECT 1'))
    }
    stop = true
    await loop
    expect(acknowledged.length).toBeGreaterThan(10)
    const {primary} = await report()
    const rows = await ids(primary!.region, primary!.cluster, 'cluster')
    expect(new Set(rows).size).toBe(rows.length)
    expect(acknowledged.filter((id) => !rows.includes(id))).toEqual([])
    // Failed attempts may or may not have committed; no other id may appear.
    expect(rows.filter((id) => id >= 1000 && !acknowledged.includes(id)).length).toBeLessThanOrEqual(failures)
  })

  it('a failover with data loss while the link is down loses exactly the commits never shipped, and says so', {timeout: 180_000}, async () => {
    const {primary} = await report()
    const from = primary!
    const to = from.region === EAST ? {region: WEST, cluster: 'sec'} : {region: EAST, cluster: 'prim'}
    const replicated = await ids(from.region, from.cluster, 'cluster')
    await eventually('the secondary to catch up', async () => expect(await ids(to.region, to.cluster, 'reader')).toEqual(replicated))
    await admin('link', {a: EAST, b: WEST, up: false})
    for (const id of [5001, 5002, 5003]) await query(from.region, from.cluster, 'cluster', 'INSERT INTO g VALUES ($1)', [id])
    await rds(EAST).send(new FailoverGlobalClusterCommand({GlobalClusterIdentifier: 'gdb', TargetDbClusterIdentifier: arn(to.region, to.cluster), AllowDataLoss: true}))
    // Promoted at once; the loss is final when the failover completes (the old primary fenced by then).
    await waitFor(async () => {
      const g = (await rds(EAST).send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: 'gdb'}))).GlobalClusters![0]
      return g.FailoverState === undefined && (await report()).primary?.cluster === to.cluster
    }, 60_000, 'the failover to complete')
    const loss = (await report()).lastFailover!
    expect(loss.lostCommits).toBe(3)
    expect(loss.toLsn! - loss.fromLsn!).toBeGreaterThan(0)
    const survived = await ids(to.region, to.cluster, 'cluster')
    expect(survived).toEqual(replicated)
    await query(to.region, to.cluster, 'cluster', 'INSERT INTO g VALUES (6001)')
    // The old primary rejoins once its Region is reachable: resynchronised from the new primary, its lost rows gone.
    await admin('link', {a: EAST, b: WEST, up: true})
    await settled()
    await eventually('the old primary to follow the new one', async () => {
      expect(await ids(from.region, from.cluster, 'reader')).toEqual([...replicated, 6001])
    })
  })

  it('keeps replicating after the daemon restarts', {timeout: 180_000}, async () => {
    const {primary, secondaries} = await report()
    expect((await cli(['local', 'stop'], {env: local.env})).code).toBe(0)
    const restarted = await cli(['local', 'start'], {env: local.env})
    expect(restarted.code, restarted.stderr).toBe(0)
    endpoint = (JSON.parse(fs.readFileSync(path.join(local.home, 'daemon.json'), 'utf8')) as {endpoint: string}).endpoint
    clients.clear()
    ports.clear()
    await eventually('the primary to take writes again', () => query(primary!.region, primary!.cluster, 'cluster', 'INSERT INTO g VALUES (6501)'))
    await eventually('row 6501 on the secondary', async () => expect(await ids(secondaries[0].region, secondaries[0].cluster, 'reader')).toContain(6501))
  })

  it('detach and promote leaves a standalone writable cluster with every replicated row', {timeout: 180_000}, async () => {
    const {primary, secondaries} = await report()
    const secondary = secondaries[0]
    await query(primary!.region, primary!.cluster, 'cluster', 'INSERT INTO g VALUES (7001)')
    const rows = await ids(primary!.region, primary!.cluster, 'cluster')
    await eventually('the secondary to catch up', async () => expect(await ids(secondary.region, secondary.cluster, 'reader')).toEqual(rows))
    await rds(secondary.region).send(new RemoveFromGlobalClusterCommand({GlobalClusterIdentifier: 'gdb', DbClusterIdentifier: arn(secondary.region, secondary.cluster)}))
    await eventually('the detached cluster to take writes', () => query(secondary.region, secondary.cluster, 'cluster', 'INSERT INTO g VALUES (8001)'))
    expect(await ids(secondary.region, secondary.cluster, 'cluster')).toEqual([...rows, 8001])
    expect(await ids(primary!.region, primary!.cluster, 'cluster')).toEqual(rows)
  })
})
