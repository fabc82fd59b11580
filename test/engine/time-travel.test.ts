import fs from 'node:fs'
import path from 'node:path'

import {CreateDBInstanceCommand, DeleteDBClusterCommand, DeleteDBInstanceCommand, RDSClient, RestoreDBClusterToPointInTimeCommand} from '@aws-sdk/client-rds'
import pg from 'pg'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Prng} from '../../src/lib/emulator/prng.js'
import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cleanEnv, cli, run, waitFor} from '../helpers/process.js'

// Aurora's time features on real rows, as a user runs them: the built CLI against the local emulator, psql and pg
// through the SQL endpoints. Requires `npm run build` first. No timing assertions.

const PASSWORD = 'pa55word-time'
const DAY = 86_400_000

function endpointOf(local: LocalHome): string {
  return (JSON.parse(fs.readFileSync(path.join(local.home, 'daemon.json'), 'utf8')) as {endpoint: string}).endpoint
}

async function ok(local: LocalHome, args: string[], input?: string): Promise<string> {
  const r = await cli(args, {env: local.env, input})
  expect(r.code, `auroractl ${args.join(' ')}: ${r.stderr}`).toBe(0)
  return r.stdout
}

async function json<T>(local: LocalHome, args: string[], input?: string): Promise<T> {
  return JSON.parse(await ok(local, [...args, '--json'], input)) as T
}

/** psql against a cluster's endpoint, the address `connect --print` gives. */
async function psql(local: LocalHome, cluster: string, sql: string) {
  const url = (await ok(local, ['connect', cluster, '--print'])).trim()
  const r = await run('psql', [url, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: {...cleanEnv(), PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '30'}, timeoutMs: 60_000,
  })
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.trim()
}

async function emulatorNow(local: LocalHome): Promise<string> {
  return (await json<{now: string}>(local, ['local', 'clock'])).now
}

async function createCluster(local: LocalHome, id: string, extra: string[] = []): Promise<void> {
  await ok(local, ['cluster', 'create', id, '--instances', '1', '--master-username', 'admin1', '--master-password-stdin', ...extra], `${PASSWORD}\n`)
}

describe('time travel on real rows (aurora-postgresql)', () => {
  let local: LocalHome
  beforeAll(async () => {
    local = localHome('instant')
    await createCluster(local, 'tt')
    await psql(local, 'tt', "CREATE TABLE t (id int PRIMARY KEY, phase text); INSERT INTO t SELECT g, 't1' FROM generate_series(1, 5) g;")
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('restores to a time between two writes: only the first write is there, with the source credentials', async () => {
    const between = await emulatorNow(local)
    await new Promise((r) => setTimeout(r, 20))
    await psql(local, 'tt', "INSERT INTO t SELECT g, 't2' FROM generate_series(6, 10) g;")
    const restored = await json<{DBClusterIdentifier: string; MasterUsername: string}>(local, ['cluster', 'restore', 'tt', 'tt-pit', '--to-time', between])
    expect(restored).toMatchObject({DBClusterIdentifier: 'tt-pit', MasterUsername: 'admin1'})
    expect(await psql(local, 'tt-pit', 'SELECT phase, count(*) FROM t GROUP BY 1 ORDER BY 1')).toBe('t1|5')
    expect(await psql(local, 'tt', 'SELECT phase, count(*) FROM t GROUP BY 1 ORDER BY 1')).toBe('t1|5\nt2|5')
  })

  it('a clone has the same rows, then neither sees the other\'s writes', async () => {
    await ok(local, ['cluster', 'clone', 'tt', 'tt-clone'])
    expect(await psql(local, 'tt-clone', 'SELECT count(*), max(id) FROM t')).toBe('10|10')
    await psql(local, 'tt', "INSERT INTO t VALUES (11, 'source')")
    await psql(local, 'tt-clone', "INSERT INTO t VALUES (100, 'clone')")
    expect(await psql(local, 'tt', "SELECT string_agg(id::text, ',' ORDER BY id) FROM t WHERE id > 10")).toBe('11')
    expect(await psql(local, 'tt-clone', "SELECT string_agg(id::text, ',' ORDER BY id) FROM t WHERE id > 10")).toBe('100')
    const described = await json<{CloneGroupId?: string}>(local, ['cluster', 'describe', 'tt-clone'])
    expect(described.CloneGroupId).toBeDefined()
  })

  it('snapshot, delete the cluster, restore the snapshot: the rows are intact', async () => {
    const snapshot = await json<{Status: string; SnapshotType: string}>(local, ['snapshot', 'create', 'tt', 'tt-snap'])
    expect(snapshot).toMatchObject({Status: 'available', SnapshotType: 'manual'})
    await ok(local, ['cluster', 'delete', 'tt', '--yes', '--skip-final-snapshot'])
    const listed = await json<{DBClusterSnapshotIdentifier: string}[]>(local, ['snapshot', 'list', '--type', 'manual'])
    expect(listed.map((s) => s.DBClusterSnapshotIdentifier)).toEqual(['tt-snap'])
    await ok(local, ['snapshot', 'restore', 'tt-snap', 'tt-back'])
    expect(await psql(local, 'tt-back', 'SELECT count(*), max(id) FROM t')).toBe('11|11')
  })

  it('refuses bad input with the AWS code, a one-line message and the right exit, changing nothing', async () => {
    // LatestRestorableTime is "now": it moves by itself; everything else must stay as it was.
    const clusters = async () => (await json<Record<string, unknown>[]>(local, ['cluster', 'list'])).map(({LatestRestorableTime: _, ...c}) => c)
    const before = await clusters()
    const early = await cli(['cluster', 'restore', 'tt-clone', 'x1', '--to-time', '2020-01-01T00:00:00Z'], {env: local.env})
    expect(early.code).toBe(2)
    expect(early.stderr).toMatch(/InvalidRestoreFault.*Restorable window for tt-clone: \S+ to \S+\./)
    const ghostSnapshot = await cli(['snapshot', 'restore', 'ghost', 'x2'], {env: local.env})
    expect(ghostSnapshot.code).toBe(3)
    expect(ghostSnapshot.stderr).toContain('DBClusterSnapshotNotFoundFault')
    const ghostSource = await cli(['cluster', 'clone', 'ghost', 'x3'], {env: local.env})
    expect(ghostSource.code).toBe(3)
    const pgBacktrack = await cli(['cluster', 'backtrack', 'tt-clone', '--by', '5m', '--yes'], {env: local.env})
    expect(pgBacktrack.code).toBe(4)
    expect(pgBacktrack.stderr).toContain('InvalidDBClusterStateFault')
    const exists = await cli(['cluster', 'clone', 'tt-back', 'tt-clone'], {env: local.env})
    expect(exists.stderr).toContain('DBClusterAlreadyExistsFault')
    const badTime = await cli(['cluster', 'restore', 'tt-back', 'x4', '--to-time', 'yesterday-ish'], {env: local.env})
    expect(badTime.code).toBe(2)
    expect(await clusters()).toEqual(before)
  })

  it('automated backups expire with the retention period as the clock advances', async () => {
    const window = async () => {
      const c = await json<{EarliestRestorableTime: string; LatestRestorableTime: string}>(local, ['cluster', 'describe', 'tt-back'])
      return {earliest: Date.parse(c.EarliestRestorableTime), latest: Date.parse(c.LatestRestorableTime)}
    }
    const first = await window()
    await ok(local, ['local', 'clock', 'advance', '3d'])
    const now = Date.parse(await emulatorNow(local))
    const later = await window()
    expect(later.earliest).toBeGreaterThan(first.earliest + DAY)
    expect(later.latest).toBeGreaterThanOrEqual(now - 1000)
    const automated = await json<{SnapshotCreateTime: string; DBClusterIdentifier: string}[]>(local, ['snapshot', 'list', '--type', 'automated', '--cluster', 'tt-back'])
    expect(automated.length).toBeGreaterThanOrEqual(1)
    // Retention 1 day, a backup a day: none older than two days is kept.
    for (const s of automated) expect(Date.parse(s.SnapshotCreateTime)).toBeGreaterThanOrEqual(now - 2 * DAY)
    const expired = await cli(['cluster', 'restore', 'tt-back', 'gone', '--to-time', new Date(first.earliest + 1000).toISOString()], {env: local.env})
    expect(expired.code).toBe(2)
    expect(expired.stderr).toContain('InvalidRestoreFault')
    // Restore "an hour ago" is measured on the emulator's clock, three days ahead of this machine's.
    await ok(local, ['cluster', 'restore', 'tt-back', 'tt-hour', '--to-time', '1h ago'])
    expect(await psql(local, 'tt-hour', 'SELECT count(*) FROM t')).toBe('11')
  })
})

describe('100 random restore times on real rows', () => {
  let local: LocalHome
  beforeAll(async () => {
    local = localHome('instant')
    await createCluster(local, 'src')
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('each restore holds exactly the rows committed by then', {timeout: 600_000}, async () => {
    const url = (await ok(local, ['connect', 'src', '--print'])).trim()
    const {hostname, port, username, pathname} = new URL(url)
    const client = new pg.Client({host: hostname, port: Number(port), user: username, database: pathname.slice(1), password: PASSWORD, connectionTimeoutMillis: 30_000})
    await client.connect()
    await client.query('CREATE TABLE r (id int PRIMARY KEY)')
    // INSERT i is stamped at or before `after[i]`; INSERT i+1 is sent only once the millisecond clock has moved past
    // it, so it is stamped later: the time `after[i]` reads ids 1..i exactly.
    const after: number[] = [0]
    for (let i = 1; i <= 200; i++) {
      await client.query('INSERT INTO r VALUES ($1)', [i])
      after.push(Date.now())
      while (Date.now() <= after[i]) await new Promise((r) => setImmediate(r))
    }
    await client.end()
    const rds = new RDSClient({endpoint: endpointOf(local), region: 'us-east-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
    const prng = new Prng(Number(process.env.TIME_TRAVEL_SEED ?? 11))
    for (let n = 0; n < 100; n++) {
      const i = 1 + prng.int(200)
      const id = `pit-${n}`
      await rds.send(new RestoreDBClusterToPointInTimeCommand({DBClusterIdentifier: id, SourceDBClusterIdentifier: 'src', RestoreToTime: new Date(after[i])}))
      await rds.send(new CreateDBInstanceCommand({DBInstanceIdentifier: `${id}-1`, DBClusterIdentifier: id, Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'}))
      let rows: {n: number; top: number}[] = []
      // The compute picks the new writer up on its next tick: until then the endpoint refuses (57P03).
      await waitFor(async () => {
        const report = (await (await fetch(`${endpointOf(local)}/_auroractl/compute?cluster=${id}`)).json()) as {endpoints: {kind: string; port: number}[]}
        const port = report.endpoints.find((e) => e.kind === 'cluster')?.port
        if (!port) return false
        const restored = new pg.Client({host: '127.0.0.1', port, user: 'admin1', database: 'postgres', password: PASSWORD, connectionTimeoutMillis: 60_000})
        restored.on('error', () => undefined)
        try {
          await restored.connect()
          rows = (await restored.query<{n: number; top: number}>('SELECT count(*)::int AS n, coalesce(max(id), 0) AS top FROM r')).rows
          return true
        } finally {
          await restored.end().catch(() => undefined)
        }
      }, 60_000, `the restored cluster ${id}`)
      expect(rows[0], `restore #${n} to just after insert ${i} (seed ${process.env.TIME_TRAVEL_SEED ?? 11})`).toEqual({n: i, top: i})
      await rds.send(new DeleteDBInstanceCommand({DBInstanceIdentifier: `${id}-1`}))
      await rds.send(new DeleteDBClusterCommand({DBClusterIdentifier: id, SkipFinalSnapshot: true}))
    }
  })
})

describe('backtrack (aurora-mysql, at the storage level)', () => {
  let local: LocalHome
  beforeAll(async () => {
    local = localHome('instant')
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('rewinds the volume in place to the checksum it had at that time, and forward again', async () => {
    await ok(local, ['cluster', 'create', 'my', '--engine', 'aurora-mysql', '--backtrack-window', '1h', '--instances', '1', '--manage-master-password'])
    const checksum = async () => (await json<{content: {crc32: string}; vdl: number}>(local, ['local', 'volume', 'my', '--checksum'])).content.crc32
    await ok(local, ['local', 'volume', 'write', 'my', '--records', '20'])
    const first = await checksum()
    const t1 = await emulatorNow(local)
    await new Promise((r) => setTimeout(r, 20))
    await ok(local, ['local', 'volume', 'write', 'my', '--records', '20'])
    const second = await checksum()
    const t2 = await emulatorNow(local)
    expect(second).not.toBe(first)
    const back = await json<{Status: string; BacktrackTo: string}>(local, ['cluster', 'backtrack', 'my', '--to', t1, '--yes'])
    expect(back.Status).toBe('completed')
    expect(await checksum()).toBe(first)
    await ok(local, ['cluster', 'backtrack', 'my', '--to', t2, '--yes'])
    expect(await checksum()).toBe(second)
    const listed = await json<{Status: string}[]>(local, ['cluster', 'backtracks', 'my'])
    expect(listed.map((b) => b.Status)).toEqual(['completed', 'completed'])
    const tooEarly = await cli(['cluster', 'backtrack', 'my', '--by', '2h', '--yes'], {env: local.env})
    expect(tooEarly.code).toBe(2)
    expect(await checksum()).toBe(second)
  })
})
