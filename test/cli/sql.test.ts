import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {ClusterDescription} from '../../src/commands/cluster/describe.js'
import type {KillResult} from '../../src/lib/local/compute.js'
import type {FailoverDrillResult} from '../../src/lib/sql/drill.js'
import type {SqlEndpoint} from '../../src/lib/sql/endpoint.js'
import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cli, type RunResult} from '../helpers/process.js'

// SQL from the CLI as an operator uses it: connect, describe, drill, kill-instance, an AZ outage.
// Requires `npm run build` first.
const PASSWORD = 'sql-pa55word'

describe('SQL through the CLI on the local emulator', () => {
  let local: LocalHome
  const run = (args: string[], options: {input?: string; password?: string} = {}) =>
    cli(args, {env: {...local.env, ...(options.password === undefined ? {} : {PGPASSWORD: options.password})}, input: options.input})
  const json = <T>(result: RunResult): T => {
    expect(result.code, result.stderr).toBe(0)
    return JSON.parse(result.stdout) as T
  }
  const describeCluster = async (id: string) => json<ClusterDescription>(await run(['cluster', 'describe', id, '--json']))
  const psql = (id: string, sql: string, extra: string[] = [], password = PASSWORD) =>
    run(['connect', id, ...extra, '--', '-XAtqc', sql], {password})

  beforeAll(async () => {
    local = localHome('instant')
    for (const [id, engine] of [['sq', 'aurora-postgresql'], ['my', 'aurora-mysql']]) {
      const created = await run(['cluster', 'create', id, '--engine', engine, '--instances', '3', '--master-username', 'opsadmin', '--master-password-stdin'], {input: `${PASSWORD}\n`})
      expect(created.code, created.stderr).toBe(0)
    }
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('connect runs psql on the writer, the reader endpoint and an instance, with the password from PGPASSWORD', async () => {
    const created = await psql('sq', 'CREATE TABLE notes (id int PRIMARY KEY, body text); INSERT INTO notes VALUES (1, $$first$$) RETURNING id')
    expect(created.code, created.stderr).toBe(0)
    expect(created.stdout.trim()).toBe('1')
    // A replica shows the row once it has moved to a read-point that includes it.
    const description = await describeCluster('sq')
    const replica = description.DBClusterMembers!.find((m) => !m.IsClusterWriter)!.DBInstanceIdentifier!
    for (const extra of [['--reader'], ['--instance', replica]]) {
      let seen = ''
      for (let i = 0; i < 100 && seen !== 'first'; i++) {
        const read = await psql('sq', 'SELECT body FROM notes WHERE id = 1', extra)
        expect(read.code, read.stderr).toBe(0)
        seen = read.stdout.trim()
        if (seen !== 'first') await new Promise((r) => setTimeout(r, 200))
      }
      expect(seen).toBe('first')
      const write = await psql('sq', 'INSERT INTO notes VALUES (2, $$no$$)', extra)
      expect(write.code).not.toBe(0)
      expect(write.stderr).toMatch(/cannot execute INSERT in a read-only transaction/)
    }
    // psql's own exit status is connect's.
    expect((await psql('sq', 'SELECT * FROM missing_table')).code).toBe(1)
    const refused = await psql('sq', 'SELECT 1', [], 'not-the-password')
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/password authentication failed for user "opsadmin"/)
  })

  it('connect --print and --json give the URI and endpoint, never the password', async () => {
    const printed = await run(['connect', 'sq', '--reader', '--print'])
    expect(printed.code, printed.stderr).toBe(0)
    expect(printed.stdout.trim()).toMatch(/^postgresql:\/\/opsadmin@127\.0\.0\.1:\d+\/postgres$/)
    const endpoint = json<SqlEndpoint>(await run(['connect', 'sq', '--json']))
    expect(endpoint).toMatchObject({cluster: 'sq', endpoint: 'cluster', host: '127.0.0.1', user: 'opsadmin', database: 'postgres'})
    expect(JSON.stringify(endpoint)).not.toContain(PASSWORD)
    const description = await describeCluster('sq')
    expect(description.LocalEmulator?.endpoints.find((e) => e.kind === 'cluster')?.port).toBe(endpoint.port)
    const unknown = await run(['connect', 'sq', '--instance', 'not-a-member', '--print'])
    expect(unknown.code).toBe(3)
    expect(unknown.stderr).toMatch(/DBInstanceNotFound: Instance not-a-member is not a member of cluster sq/)
    const both = await run(['connect', 'sq', '--reader', '--instance', 'x'])
    expect(both.code).toBe(2)
  })

  it('describe shows where each endpoint listens and replica lag; --json adds LocalEmulator', async () => {
    const text = await run(['cluster', 'describe', 'sq'])
    expect(text.code, text.stderr).toBe(0)
    expect(text.stdout).toMatch(/Writer endpoint +sq\.cluster-\w+\.us-east-1\.rds\.amazonaws\.com:5432 → 127\.0\.0\.1:\d+/)
    expect(text.stdout).toMatch(/LAG/)
    const {LocalEmulator: local} = await describeCluster('sq')
    expect(local).toMatchObject({sql: 'postgresql', user: 'opsadmin'})
    expect(local!.endpoints.map((e) => e.kind).sort()).toEqual(['cluster', 'instance', 'instance', 'instance', 'reader'])
    const replicas = local!.instances.filter((i) => i.role === 'reader' && i.engine === 'running')
    expect(replicas.length).toBeGreaterThan(0)
    for (const r of replicas) expect(r).toMatchObject({lagMs: expect.any(Number), lagLsn: expect.any(Number), readPoint: expect.any(Number)})
  })

  it('aurora-mysql: connect says there is no SQL engine and exits 1; describe says so too', async () => {
    const refused = await run(['connect', 'my', '--print'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/SqlEngineUnavailable: Cannot connect to my: aurora-mysql has no SQL engine in this emulator yet/)
    expect((await describeCluster('my')).LocalEmulator).toMatchObject({sql: 'none', endpoints: []})
    const drill = await run(['drill', 'failover', 'my', '--json'], {password: PASSWORD})
    expect(drill.code).toBe(1)
  })

  it('drill failover writes through a failover and loses no acknowledged write', async () => {
    const before = await describeCluster('sq')
    const result = json<FailoverDrillResult>(await run(['drill', 'failover', 'sq', '--warmup', '1s', '--settle', '1s', '--json'], {password: PASSWORD}))
    expect(result.lostWrites).toBe(0)
    expect(result.acknowledgedWrites).toBeGreaterThan(0)
    expect(result.previousWriter).toBe(before.DBClusterMembers!.find((m) => m.IsClusterWriter)!.DBInstanceIdentifier)
    expect(result.newWriter).not.toBe(result.previousWriter)
    expect(result.writesResumedAfterMs).toBeGreaterThanOrEqual(0)
    // Its table is gone afterwards (no --keep-table).
    const tables = await psql('sq', `SELECT count(*) FROM pg_tables WHERE tablename = '${result.table}'`)
    expect(tables.stdout.trim()).toBe('0')
    const noPassword = await run(['drill', 'failover', 'sq'])
    expect(noPassword.code).toBe(2)
    expect(noPassword.stderr).toMatch(/master password/)
  })

  it('local kill-instance of the writer fails over; an AZ outage fails over the writer in it; rows survive both', async () => {
    expect((await psql('sq', 'INSERT INTO notes VALUES (3, $$before kill$$)')).code).toBe(0)
    const writer = (await describeCluster('sq')).DBClusterMembers!.find((m) => m.IsClusterWriter)!.DBInstanceIdentifier!
    const killed = json<KillResult>(await run(['local', 'kill-instance', writer, '--json']))
    expect(killed).toEqual({instance: writer, cluster: 'sq', role: 'writer', recovery: 'failover'})
    expect((await run(['cluster', 'wait', 'sq'])).code).toBe(0)
    const after = await describeCluster('sq')
    const newWriter = after.DBClusterMembers!.find((m) => m.IsClusterWriter)!.DBInstanceIdentifier!
    expect(newWriter).not.toBe(writer)

    const az = (await run(['cluster', 'describe', 'sq'])).stdout.match(new RegExp(`writer +${newWriter} +available +(us-east-1[abc])`))![1]
    const outage = json<{failedOverWriters: string[]}>(await run(['local', 'fault', 'az-down', az, '--json']))
    expect(outage.failedOverWriters).toContain(newWriter)
    expect((await run(['cluster', 'wait', 'sq'])).code).toBe(0)
    const rows = await psql('sq', 'SELECT string_agg(id::text, $$,$$ ORDER BY id) FROM notes')
    expect(rows.code, rows.stderr).toBe(0)
    expect(rows.stdout.trim()).toBe('1,3')
    // The old writer is now a replica in the AZ that is down: out of reach, and not given by the reader endpoint.
    const unreachable = await psql('sq', 'SELECT 1', ['--instance', newWriter])
    expect(unreachable.code).toBe(2)
    expect(unreachable.stderr).toMatch(new RegExp(`instance ${newWriter} is in ${az}, which is down`))
    for (let i = 0; i < 4; i++) expect((await psql('sq', 'SELECT count(*) FROM notes', ['--reader'])).code).toBe(0)
    expect((await run(['local', 'fault', 'heal', '--all'])).code).toBe(0)
    const missing = await run(['local', 'kill-instance', 'no-such-instance'])
    expect(missing.code).toBe(3)
    // Raw storage records would corrupt a volume that holds a database.
    const raw = await run(['local', 'volume', 'write', 'sq', '--records', '5'])
    expect(raw.code).toBe(4)
    expect(raw.stderr).toMatch(/InvalidDBClusterStateFault: The volume of sq holds a database/)
  })
})
