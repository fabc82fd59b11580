import fs from 'node:fs'
import path from 'node:path'

import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cleanEnv, cli, pidAlive, run, waitFor} from '../helpers/process.js'

// The daemon's SQL compute (PGlite behind the PostgreSQL wire front) end to end: the built
// CLI starts the daemon, clients connect to the 127.0.0.1 endpoints the compute report lists.
// Requires `npm run build` first. No timing assertions: replicas are polled, never slept on.

const USER = 'admin1'
const PASSWORD = 'pa55word-compute'

interface EndpointReport {
  kind: 'cluster' | 'reader' | 'instance'
  instance?: string
  host: string
  port: number
}

interface ComputeReport {
  sql: 'postgresql' | 'none'
  reason?: string
  endpoints: EndpointReport[]
  instances: {id: string; role: 'writer' | 'reader'; status: string; engine: string; readPoint?: number; lagMs?: number; lagLsn?: number}[]
  replicaLag: {samples: number; p50Ms?: number; p99Ms?: number; maxMs?: number}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function daemonInfo(local: LocalHome): {pid: number; endpoint: string} {
  return JSON.parse(fs.readFileSync(path.join(local.home, 'daemon.json'), 'utf8')) as {pid: number; endpoint: string}
}

async function compute(local: LocalHome, cluster: string): Promise<ComputeReport> {
  const response = await fetch(`${daemonInfo(local).endpoint}/_auroractl/compute?cluster=${cluster}`)
  if (!response.ok) throw new Error(`compute report: HTTP ${response.status} ${await response.text()}`)
  return (await response.json()) as ComputeReport
}

/** The report once every endpoint (cluster, reader, one per instance) is listening. */
async function endpointsReady(local: LocalHome, cluster: string, instances: number): Promise<ComputeReport> {
  let report: ComputeReport | undefined
  await waitFor(async () => {
    report = await compute(local, cluster)
    return report.endpoints.length === 2 + instances && report.endpoints.every((e) => e.port > 0)
  }, 20_000, `the SQL endpoints of ${cluster}`)
  return report!
}

function portOf(report: ComputeReport, kind: EndpointReport['kind'], instance?: string): number {
  const e = report.endpoints.find((x) => x.kind === kind && (instance === undefined || x.instance === instance))
  if (!e) throw new Error(`no ${kind} endpoint ${instance ?? ''} in ${JSON.stringify(report.endpoints)}`)
  expect(e.host).toBe('127.0.0.1')
  return e.port
}

async function createCluster(local: LocalHome, id: string, instances: number, engine = 'aurora-postgresql'): Promise<void> {
  const created = await cli(
    ['cluster', 'create', id, '--engine', engine, '--instances', String(instances), '--master-username', USER, '--master-password-stdin', '--json'],
    {env: local.env, input: `${PASSWORD}\n`},
  )
  expect(created.code, created.stderr).toBe(0)
}

function client(port: number, {user = USER, password = PASSWORD}: {user?: string; password?: string} = {}): pg.Client {
  const c = new pg.Client({host: '127.0.0.1', port, user, password, database: 'postgres', connectionTimeoutMillis: 30_000, query_timeout: 30_000})
  // (A cluster's first session waits for its writer to initialise the volume: seconds.)
  // A failover or a killed daemon drops the socket: that is an error on the next query, not a crash of the test.
  c.on('error', () => undefined)
  return c
}

/** One query on a fresh connection. */
async function once<T extends pg.QueryResultRow>(port: number, sql: string, params: unknown[] = []): Promise<pg.QueryResult<T>> {
  const c = client(port)
  await c.connect()
  try {
    return await c.query<T>(sql, params)
  } finally {
    await c.end().catch(() => undefined)
  }
}

function psql(port: number, sql: string, {user = USER, password = PASSWORD}: {user?: string; password?: string} = {}) {
  return run('psql', [`host=127.0.0.1 port=${port} user=${user} dbname=postgres`, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: {...cleanEnv(), PGPASSWORD: password, PGCONNECT_TIMEOUT: '30'},
    timeoutMs: 30_000,
  })
}

async function sqlState(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
    return undefined
  } catch (error) {
    return (error as {code?: string}).code ?? `no SQLSTATE: ${(error as Error).message}`
  }
}

/**
 * A client inserting sequential ids into its own table through the cluster endpoint.
 * An id is acknowledged only when its INSERT returned; a failed INSERT may or may not have
 * committed, so its id is never reused (any duplicate id is then a real duplicate).
 */
class WriteLoad {
  readonly acknowledged: number[] = []
  failures = 0
  private stopping = false
  private nextId = 1
  private readonly done: Promise<void>

  constructor(
    private readonly port: () => Promise<number>,
    readonly table: string,
  ) {
    this.done = this.loop()
  }

  private async loop(): Promise<void> {
    let c: pg.Client | undefined
    while (!this.stopping) {
      try {
        if (!c) {
          c = client(await this.port())
          await c.connect()
        }
        const id = this.nextId++
        await c.query(`INSERT INTO ${this.table} (id) VALUES ($1)`, [id])
        this.acknowledged.push(id)
      } catch {
        this.failures++
        void c?.end().catch(() => undefined)
        c = undefined
        await sleep(25)
      }
    }
    await c?.end().catch(() => undefined)
  }

  /** Resolves once `count` more ids are acknowledged. */
  async more(count: number, what: string): Promise<void> {
    const target = this.acknowledged.length + count
    await waitFor(async () => this.acknowledged.length >= target, 60_000, `${count} more acknowledged inserts (${what})`)
  }

  async stop(): Promise<void> {
    this.stopping = true
    await this.done
  }

  /** Every acknowledged id is in the table, and no id is there twice. */
  async verify(port: number): Promise<void> {
    const rows = (await once<{id: number}>(port, `SELECT id FROM ${this.table} ORDER BY id`)).rows.map((r) => r.id)
    const present = new Set(rows)
    expect(rows.length, 'no id is duplicated').toBe(present.size)
    const lost = this.acknowledged.filter((id) => !present.has(id))
    expect(lost, 'acknowledged ids lost').toEqual([])
    expect(this.acknowledged.length).toBeGreaterThan(0)
  }
}

/** The reader endpoint and every instance endpoint come to show as many rows of `table` as the cluster endpoint. */
async function replicasCatchUp(report: ComputeReport, table: string): Promise<void> {
  const count = async (port: number) => (await once<{n: string}>(port, `SELECT count(*) AS n FROM ${table}`)).rows[0]!.n
  const total = await count(portOf(report, 'cluster'))
  for (const e of report.endpoints.filter((x) => x.kind !== 'cluster')) {
    await waitFor(async () => (await count(e.port)) === total, 20_000, `${total} rows of ${table} on the ${e.kind} endpoint ${e.instance ?? ''}`)
  }
}

describe('SQL through the endpoints of an aurora-postgresql cluster', () => {
  let local: LocalHome
  let report: ComputeReport
  let replicas: string[]
  let writer: string
  beforeAll(async () => {
    local = localHome('instant')
    await createCluster(local, 'pg1', 2)
    report = await endpointsReady(local, 'pg1', 2)
    expect(report.sql).toBe('postgresql')
    writer = report.instances.find((i) => i.role === 'writer')!.id
    replicas = report.instances.filter((i) => i.role === 'reader').map((i) => i.id)
    expect(replicas).toHaveLength(1)
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('psql writes through the cluster endpoint and reads through the reader and every instance endpoint', async () => {
    const created = await psql(portOf(report, 'cluster'), "CREATE TABLE t_psql (id int, v text); INSERT INTO t_psql VALUES (1, 'one'), (2, 'two');")
    expect(created.code, created.stderr).toBe(0)
    expect(created.stdout).toContain('INSERT 0 2')
    const ports = [portOf(report, 'cluster'), portOf(report, 'reader'), ...report.instances.map((i) => portOf(report, 'instance', i.id))]
    for (const port of ports) {
      // A replica may show the table only after its next reopen: poll.
      let last = ''
      await waitFor(async () => {
        const r = await psql(port, 'SELECT id, v FROM t_psql ORDER BY id')
        last = r.stdout + r.stderr
        return r.code === 0 && r.stdout.trim() === '1|one\n2|two'
      }, 20_000, `t_psql on port ${port} (last: ${last})`)
    }
  })

  it('the pg client does the same, and concurrent clients on the cluster endpoint all succeed', async () => {
    const cluster = portOf(report, 'cluster')
    await once(cluster, 'CREATE TABLE t_pg (id int PRIMARY KEY, v text)')
    await once(cluster, 'INSERT INTO t_pg VALUES ($1, $2)', [1, 'one'])
    for (const port of [portOf(report, 'reader'), ...report.instances.map((i) => portOf(report, 'instance', i.id))]) {
      await waitFor(async () => (await once<{v: string}>(port, 'SELECT v FROM t_pg WHERE id = 1')).rows[0]?.v === 'one', 20_000, `t_pg on port ${port}`)
    }
    // Eight clients at once, each with its own rows, some in explicit transactions.
    const clients = Array.from({length: 8}, () => client(cluster))
    await Promise.all(clients.map((c) => c.connect()))
    try {
      await Promise.all(
        clients.map(async (c, n) => {
          for (let i = 0; i < 10; i++) {
            const id = 1000 + n * 100 + i
            if (i % 3 === 0) {
              await c.query('BEGIN')
              await c.query('INSERT INTO t_pg VALUES ($1, $2)', [id, `c${n}`])
              await c.query('COMMIT')
            } else {
              await c.query('INSERT INTO t_pg VALUES ($1, $2)', [id, `c${n}`])
            }
          }
        }),
      )
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)))
    }
    const counts = await once<{v: string; n: string}>(cluster, "SELECT v, count(*) AS n FROM t_pg WHERE v LIKE 'c%' GROUP BY v ORDER BY v")
    expect(counts.rows).toEqual(Array.from({length: 8}, (_, n) => ({v: `c${n}`, n: '10'})))
  })

  it('a replica sees a committed row, and reports its lag', async () => {
    const cluster = portOf(report, 'cluster')
    await once(cluster, 'CREATE TABLE t_lag (id int)')
    const replica = client(portOf(report, 'instance', replicas[0]))
    await replica.connect()
    try {
      for (let id = 1; id <= 5; id++) {
        await once(cluster, 'INSERT INTO t_lag VALUES ($1)', [id])
        // The same session follows the replica's newer read-points between transactions.
        await waitFor(async () => (await replica.query('SELECT 1 FROM t_lag WHERE id = $1', [id])).rowCount === 1, 20_000, `row ${id} on replica ${replicas[0]}`)
      }
    } finally {
      await replica.end().catch(() => undefined)
    }
    const after = await compute(local, 'pg1')
    const r = after.instances.find((i) => i.id === replicas[0])!
    expect(r).toMatchObject({role: 'reader', engine: 'running'})
    expect(typeof r.lagMs).toBe('number')
    expect(typeof r.lagLsn).toBe('number')
    expect(r.lagMs).toBeGreaterThanOrEqual(0)
    expect(r.lagLsn).toBeGreaterThanOrEqual(0)
    expect(typeof r.readPoint).toBe('number')
    expect(after.replicaLag.samples).toBeGreaterThan(0)
    expect(typeof after.replicaLag.p50Ms).toBe('number')
    expect(after.replicaLag.maxMs).toBeGreaterThanOrEqual(after.replicaLag.p50Ms!)
    const w = after.instances.find((i) => i.id === writer)!
    expect(w).toMatchObject({role: 'writer', engine: 'running', lagMs: 0, lagLsn: 0})
  })

  it('refuses writes on the reader endpoint and on a replica instance endpoint (SQLSTATE 25006)', async () => {
    await once(portOf(report, 'cluster'), 'CREATE TABLE t_ro (id int)')
    for (const port of [portOf(report, 'reader'), portOf(report, 'instance', replicas[0])]) {
      await waitFor(async () => (await once(port, "SELECT to_regclass('t_ro') IS NOT NULL AS ok")).rows[0]?.ok === true, 20_000, `t_ro on ${port}`)
      expect(await sqlState(once(port, 'INSERT INTO t_ro VALUES (1)'))).toBe('25006')
      expect(await sqlState(once(port, 'CREATE TABLE t_ro_other (id int)'))).toBe('25006')
      // SET default_transaction_read_only = off does not make a replica writable.
      const c = client(port)
      await c.connect()
      try {
        expect(await sqlState(c.query('SET default_transaction_read_only = off; INSERT INTO t_ro VALUES (2)'))).toBeDefined()
      } finally {
        await c.end().catch(() => undefined)
      }
      const p = await psql(port, 'INSERT INTO t_ro VALUES (3)')
      expect(p.code).not.toBe(0)
      expect(p.stderr).toContain('read-only transaction')
    }
    // Nothing reached the volume, and the writer instance endpoint still writes.
    await once(portOf(report, 'instance', writer), 'INSERT INTO t_ro VALUES (4)')
    expect((await once<{id: number}>(portOf(report, 'cluster'), 'SELECT id FROM t_ro ORDER BY id')).rows).toEqual([{id: 4}])
  })

  // A replica is a PGlite on a private copy-on-write image: were read-write mode granted, a
  // commit there would never reach the volume and the replica would diverge. PostgreSQL on a hot
  // standby (and Aurora) refuse it: "cannot set transaction read-write mode during recovery" (25006).
  it('refuses read-write mode on a replica (25006)', async () => {
    await once(portOf(report, 'cluster'), 'CREATE TABLE t_rw (id int)')
    const port = portOf(report, 'instance', replicas[0])
    await waitFor(async () => (await once(port, "SELECT to_regclass('t_rw') IS NOT NULL AS ok")).rows[0]?.ok === true, 20_000, `t_rw on ${port}`)
    const c = client(port)
    await c.connect()
    try {
      for (const attempt of [
        'BEGIN READ WRITE; INSERT INTO t_rw VALUES (1); COMMIT',
        'START TRANSACTION READ WRITE',
        'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE',
        "SELECT set_config('default_transaction_read_only', 'off', false)",
        'RESET default_transaction_read_only',
        "DO $$BEGIN EXECUTE 'SET default_transaction_read_only = off'; END$$",
      ]) {
        expect(await sqlState(c.query(attempt)), attempt).toBe('25006')
      }
      expect((await c.query('SELECT id FROM t_rw')).rows).toEqual([])
      // Reading the setting is fine.
      expect((await c.query('SHOW default_transaction_read_only')).rows).toEqual([{default_transaction_read_only: 'on'}])
    } finally {
      await c.end().catch(() => undefined)
    }
  })

  it('refuses a wrong password and an unknown user on every endpoint (SQLSTATE 28P01)', async () => {
    const ports = report.endpoints.map((e) => e.port)
    expect(ports).toHaveLength(4)
    for (const port of ports) {
      for (const credentials of [{password: 'wrong-password'}, {user: 'nobody', password: PASSWORD}, {user: USER.toUpperCase()}]) {
        const c = client(port, credentials)
        expect(await sqlState(c.connect()), `${JSON.stringify(credentials)} on ${port}`).toBe('28P01')
        await c.end().catch(() => undefined)
      }
      const p = await psql(port, 'SELECT 1', {password: 'wrong-password'})
      expect(p.code).not.toBe(0)
      expect(p.stderr).toContain('password authentication failed')
      // The right credentials still work on the same endpoint.
      expect((await once<{one: number}>(port, 'SELECT 1 AS one')).rows).toEqual([{one: 1}])
    }
  })
})

describe('failovers under a write load', () => {
  let local: LocalHome
  beforeAll(async () => {
    local = localHome('instant')
    await createCluster(local, 'pg3', 3)
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('20 failovers lose no acknowledged row and duplicate none', async () => {
    const report = await endpointsReady(local, 'pg3', 3)
    const cluster = portOf(report, 'cluster')
    await once(cluster, 'CREATE TABLE load_failover (id int)')
    const load = new WriteLoad(async () => cluster, 'load_failover')
    const writers = new Set<string>()
    let writer = report.instances.find((i) => i.role === 'writer')!.id
    try {
      await load.more(20, 'before the first failover')
      for (let n = 0; n < 20; n++) {
        // Alternately: Aurora's choice of reader, and a named reader (--target).
        const current = await compute(local, 'pg3')
        const target = n % 2 === 1 ? current.instances.filter((i) => i.role === 'reader').at(n % 4 === 1 ? 0 : -1)!.id : undefined
        const failover = await cli(['cluster', 'failover', 'pg3', '--json', ...(target ? ['--target', target] : [])], {env: local.env})
        expect(failover.code, failover.stderr).toBe(0)
        const r = await compute(local, 'pg3')
        const now = r.instances.find((i) => i.role === 'writer')!.id
        expect(now, `failover ${n + 1}`).not.toBe(writer)
        if (target) expect(now).toBe(target)
        writer = now
        writers.add(now)
        // Endpoints keep their ports across failovers, an instance's too when its role changes.
        expect(portOf(r, 'cluster')).toBe(cluster)
        const ready = await endpointsReady(local, 'pg3', 3)
        expect(ready.endpoints.map((e) => `${e.kind}:${e.instance ?? ''}:${e.port}`)).toEqual(report.endpoints.map((e) => `${e.kind}:${e.instance ?? ''}:${e.port}`))
        await load.more(5, `after failover ${n + 1}`)
      }
    } finally {
      await load.stop()
    }
    expect(writers.size).toBe(3)
    // Each failover dropped the load's session on the old writer.
    expect(load.failures).toBeGreaterThan(0)
    await load.verify(cluster)
    // The replicas follow the last writer.
    await replicasCatchUp(report, 'load_failover')
  }, 170_000)
})

describe('crashes under a write load', () => {
  let local: LocalHome
  beforeAll(async () => {
    local = localHome('instant')
    await createCluster(local, 'crash', 2)
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  const clusterPort = async () => portOf(await compute(local, 'crash'), 'cluster')

  it('kill -9 of the daemon loses no acknowledged row', async () => {
    const before = await endpointsReady(local, 'crash', 2)
    await once(portOf(before, 'cluster'), 'CREATE TABLE load_sigkill (id int)')
    // The load asks the report for the cluster endpoint at each reconnect: a new daemon listens on new ports.
    const load = new WriteLoad(clusterPort, 'load_sigkill')
    let after: ComputeReport
    try {
      await load.more(50, 'before the kill')
      const {pid} = daemonInfo(local)
      process.kill(pid, 'SIGKILL')
      await waitFor(async () => !pidAlive(pid), 10_000, 'the daemon to die')
      const acknowledgedAtKill = load.acknowledged.length
      const restarted = await cli(['cluster', 'describe', 'crash', '--json'], {env: local.env})
      expect(restarted.code, restarted.stderr).toBe(0)
      expect(restarted.stderr).toMatch(/Started the local Aurora emulator/)
      expect(daemonInfo(local).pid).not.toBe(pid)
      after = await endpointsReady(local, 'crash', 2)
      // Nothing could be acknowledged while no daemon ran; writes resume on the new one.
      expect(acknowledgedAtKill).toBeGreaterThan(0)
      await load.more(20, 'after the restart')
    } finally {
      await load.stop()
    }
    await load.verify(portOf(after, 'cluster'))
    await replicasCatchUp(after, 'load_sigkill')
  }, 120_000)

  it('killing the writer instance fails over and loses no acknowledged row', async () => {
    const before = await endpointsReady(local, 'crash', 2)
    const writer = before.instances.find((i) => i.role === 'writer')!.id
    await once(portOf(before, 'cluster'), 'CREATE TABLE load_kill_writer (id int)')
    const load = new WriteLoad(clusterPort, 'load_kill_writer')
    try {
      await load.more(50, 'before the kill')
      const response = await fetch(`${daemonInfo(local).endpoint}/_auroractl/kill-instance`, {method: 'POST', body: JSON.stringify({instance: writer})})
      expect(response.status).toBe(200)
      expect(await response.json()).toMatchObject({instance: writer, cluster: 'crash', role: 'writer', recovery: 'failover'})
      await waitFor(async () => {
        const r = await compute(local, 'crash')
        const w = r.instances.find((i) => i.role === 'writer')
        return w !== undefined && w.id !== writer && w.status === 'available'
      }, 30_000, 'the failover to the replica')
      await load.more(20, 'after the failover')
    } finally {
      await load.stop()
    }
    expect(load.failures).toBeGreaterThan(0) // the writer's sessions were dropped
    const after = await endpointsReady(local, 'crash', 2)
    await load.verify(portOf(after, 'cluster'))
    await replicasCatchUp(after, 'load_kill_writer')
  }, 120_000)
})

describe('aurora-mysql', () => {
  let local: LocalHome
  beforeAll(async () => {
    local = localHome('instant')
    await createCluster(local, 'my1', 2, 'aurora-mysql')
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('has no SQL engine: the report says why and lists no endpoints', async () => {
    const report = await compute(local, 'my1')
    expect(report.sql).toBe('none')
    expect(report.reason).toMatch(/MySQL/)
    expect(report.endpoints).toEqual([])
    expect(report.instances).toHaveLength(2)
    expect(report.instances.every((i) => i.engine === 'stopped')).toBe(true)
  })
})
