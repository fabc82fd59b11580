#!/usr/bin/env node
// The emulator's SQL engine (PGlite on the cluster volume, behind the wire front), side by side in one run:
//   1. inserts: single-row autocommit INSERTs/s with one `pg` client through the cluster endpoint
//      of the emulator (AURORACTL_TIMING=instant), vs the same client workload against a bare
//      in-memory PGlite (`new PGlite()`) served by the same PostgresWireServer in this process.
//      Target: emulator / bare ≥ 0.5.
//   2. replica lag: a paced writer (one client, --lag-rate inserts/s for --lag-seconds) through the
//      cluster endpoint while a reader polls the replica's instance endpoint (`select max(id)`
//      every --poll-ms); the daemon's own replicaLag (commit → replica reopened at a read-point
//      that includes it) and the client-side lag (INSERT ack → first poll answer with max(id) ≥ id).
//      Target: p99 ≤ 100 ms.
//   3. failover (AURORACTL_TIMING=fast, 2 instances, --failovers runs): a write loop through the
//      cluster endpoint (a fresh id per attempt; reconnects on error) while FailoverDBCluster is
//      requested through the SDK; per run the writes-unavailable time (last ack before the first
//      error → first ack after it), request → first ack after the error (the new writer accepting
//      a write), and acknowledged ids missing at the end (must be 0).
//
//   node bench/engine.mjs [--inserts 3000] [--warmup 300] [--rounds 3] [--lag-rate 500]
//     [--lag-seconds 20] [--poll-ms 50] [--failovers 20] [--only inserts,lag,failover] [--check]

import {DescribeDBClustersCommand, FailoverDBClusterCommand} from '@aws-sdk/client-rds'
import {PGlite} from '@electric-sql/pglite'
import pg from 'pg'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'

import {BIN, ROOT, machine, median, percentile, rdsClient, report, round, runOk, sleep, startLocal, withCleanup, writeLoop} from './lib.mjs'

const {values: opts} = parseArgs({
  options: {
    inserts: {type: 'string', default: '3000'},
    warmup: {type: 'string', default: '300'},
    rounds: {type: 'string', default: '3'},
    'lag-rate': {type: 'string', default: '500'},
    'lag-seconds': {type: 'string', default: '20'},
    'poll-ms': {type: 'string', default: '50'},
    failovers: {type: 'string', default: '20'},
    only: {type: 'string', default: 'first,inserts,lag,failover'},
    check: {type: 'boolean', default: false},
  },
})
const INSERTS = Number(opts.inserts)
const WARMUP = Number(opts.warmup)
const ROUNDS = Number(opts.rounds)
const LAG_RATE = Number(opts['lag-rate'])
const LAG_SECONDS = Number(opts['lag-seconds'])
const POLL_MS = Number(opts['poll-ms'])
const FAILOVERS = Number(opts.failovers)
const ONLY = new Set(opts.only.split(','))

const USER = 'admin1'
const PASSWORD = 'bench-Passw0rd-1'
const now = () => performance.now()
const log = (line) => process.stderr.write(`[engine ${new Date().toISOString().slice(11, 23)}] ${line}\n`)
const pct = (values) =>
  values.length === 0 ? {n: 0} : {n: values.length, p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(Math.max(...values)), min: round(Math.min(...values))}

const {PostgresWireServer} = await import(pathToFileURL(path.join(ROOT, 'dist', 'lib', 'emulator', 'engine', 'wire.js')).href)

async function connect(port, extra = {}) {
  const client = new pg.Client({host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 60_000, query_timeout: 60_000, ...extra})
  client.on('error', () => {
    // a dropped connection; the pending query rejects too
  })
  await client.connect()
  return client
}

async function createCluster(local, id) {
  const started = now()
  const {stdout} = await runOk(process.execPath, [BIN, 'cluster', 'create', id, '--engine', 'aurora-postgresql', '--instances', '2', '--master-username', USER, '--master-password-stdin', '--json'], {env: local.env, input: `${PASSWORD}\n`})
  const status = JSON.parse(stdout).Status
  log(`cluster ${id} created (${status}) in ${round(now() - started)} ms`)
}

async function compute(local, id) {
  const response = await globalThis.fetch(`${local.endpoint}/_auroractl/compute?cluster=${id}`)
  if (!response.ok) throw new Error(`compute report for ${id}: HTTP ${response.status}`)
  return response.json()
}

async function endpoints(local, id) {
  let report
  for (let i = 0; i < 100; i++) {
    report = await compute(local, id)
    if (report.endpoints.some((e) => e.kind === 'cluster') && report.endpoints.filter((e) => e.kind === 'instance').length === 2) break
    await sleep(50)
  }
  const cluster = report.endpoints.find((e) => e.kind === 'cluster').port
  const replica = report.instances.find((i) => i.role === 'reader').id
  return {cluster, replica, replicaPort: report.endpoints.find((e) => e.kind === 'instance' && e.instance === replica).port}
}

/**
 * A new cluster's first session (connect + SELECT 1 through the cluster endpoint) on a fresh
 * daemon: the first cluster also initialises the template database, the next ones branch from it.
 */
async function benchFirstSession(local) {
  const times = []
  for (const id of ['first1', 'first2', 'first3']) {
    await createCluster(local, id)
    const {cluster} = await endpoints(local, id)
    const started = now()
    const client = await connect(cluster)
    await client.query('SELECT 1')
    times.push(round(now() - started))
    await client.end()
    log(`first session on ${id}: ${times.at(-1)} ms`)
  }
  return {withTemplateMs: times[0], fromTemplateMs: times.slice(1)}
}

/** One client, `WARMUP` then `INSERTS` single-row autocommit INSERTs; inserts per second. */
async function insertRate(port, table) {
  const client = await connect(port)
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS ${table} (id serial PRIMARY KEY, v text NOT NULL)`)
    for (let i = 0; i < WARMUP; i++) await client.query(`INSERT INTO ${table} (v) VALUES ($1)`, [`warm-${i}`])
    const started = now()
    for (let i = 0; i < INSERTS; i++) await client.query(`INSERT INTO ${table} (v) VALUES ($1)`, [`row-${i}`])
    const ms = now() - started
    const {rows} = await client.query(`SELECT count(*)::int AS n FROM ${table}`)
    if (rows[0].n < WARMUP + INSERTS) throw new Error(`${table}: ${rows[0].n} rows, expected ≥ ${WARMUP + INSERTS}`)
    return INSERTS / (ms / 1000)
  } finally {
    await client.end().catch(() => undefined)
  }
}

async function benchInserts(local, onCleanup) {
  await createCluster(local, 'ins1')
  const {cluster} = await endpoints(local, 'ins1')
  const bare = await PGlite.create()
  const server = new PostgresWireServer({port: 0, passwordFor: (user) => (user === USER ? PASSWORD : undefined), database: () => bare})
  let closed = false
  const closeBare = async () => {
    if (closed) return
    closed = true
    await server.close()
    await bare.close()
  }
  onCleanup(closeBare)
  const barePort = await server.listen()
  log(`inserts: emulator cluster endpoint :${cluster}, bare in-memory PGlite :${barePort}`)
  const emulator = []
  const inMemory = []
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so drift on the shared machine hits both alike.
    const order = r % 2 === 0 ? ['emulator', 'bare'] : ['bare', 'emulator']
    for (const which of order) {
      const rate = which === 'emulator' ? await insertRate(cluster, `ins_r${r}`) : await insertRate(barePort, `ins_r${r}`)
      ;(which === 'emulator' ? emulator : inMemory).push(rate)
      log(`inserts round ${r + 1}/${ROUNDS} ${which}: ${round(rate)} inserts/s`)
    }
  }
  await closeBare()
  const e = median(emulator)
  const b = median(inMemory)
  return {
    inserts: INSERTS,
    warmup: WARMUP,
    rounds: ROUNDS,
    emulatorPerSecond: round(e),
    barePGlitePerSecond: round(b),
    ratio: round(e / b, 3),
    perRound: {emulator: emulator.map((x) => round(x)), bare: inMemory.map((x) => round(x))},
  }
}

async function benchLag(local) {
  await createCluster(local, 'lag1')
  const {cluster, replica, replicaPort} = await endpoints(local, 'lag1')
  const writer = await connect(cluster)
  await writer.query('CREATE TABLE lag (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())')
  await writer.query('INSERT INTO lag (id) VALUES (0)')
  const reader = await connect(replicaPort)
  // The replica opens on its first session and sees the table after its next reopen.
  const waitStarted = now()
  for (;;) {
    try {
      await reader.query('SELECT max(id) FROM lag')
      break
    } catch (error) {
      if (now() - waitStarted > 15_000) throw new Error(`the replica never showed table lag: ${error.message}`)
      await sleep(POLL_MS)
    }
  }
  log(`lag: replica ${replica} :${replicaPort} shows the table after ${round(now() - waitStarted)} ms; writing ${LAG_RATE}/s for ${LAG_SECONDS} s`)
  const before = (await compute(local, 'lag1')).replicaLag

  const polls = [] // {at, max}
  const pollErrors = []
  let writing = true
  let stopPollingAt = Infinity
  let total = LAG_RATE * LAG_SECONDS
  const acked = new Float64Array(total + 1)
  const pollLoop = (async () => {
    let next = now()
    while (now() < stopPollingAt) {
      try {
        const {rows} = await reader.query('SELECT coalesce(max(id), 0) AS m FROM lag')
        polls.push({at: now(), max: rows[0].m})
        if (!writing && rows[0].m >= total) break
      } catch (error) {
        pollErrors.push(error.message)
      }
      next += POLL_MS
      const wait = next - now()
      if (wait > 0) await sleep(wait)
      else next = now()
    }
  })()
  // The RDS API while SQL runs: DescribeDBClusters every 100 ms, quiet first, then under the load.
  const rds = await rdsClient(local.endpoint)
  const {DescribeDBClustersCommand} = await import('@aws-sdk/client-rds')
  const describeOnce = async () => {
    const sent = now()
    await rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'lag1'}))
    return now() - sent
  }
  const apiQuiet = []
  for (let i = 0; i < 30; i++) {
    apiQuiet.push(await describeOnce())
    await sleep(20)
  }
  const apiLoaded = []
  const apiLoop = (async () => {
    while (writing) {
      apiLoaded.push(await describeOnce())
      await sleep(100)
    }
  })()
  const started = now()
  const interval = 1000 / LAG_RATE
  const writeLatency = []
  // On a loaded machine the daemon may not keep up: stop writing after 3 × the planned time.
  let written = 0
  for (let id = 1; id <= total; id++) {
    if (now() - started > 3 * LAG_SECONDS * 1000) break
    written = id
    const due = started + (id - 1) * interval
    const wait = due - now()
    if (wait > 1) await sleep(wait)
    const sent = now()
    await writer.query('INSERT INTO lag (id) VALUES ($1)', [id])
    acked[id] = now()
    writeLatency.push(acked[id] - sent)
  }
  const writeMs = now() - started
  const planned = total
  total = written
  writing = false
  await apiLoop
  rds.destroy()
  stopPollingAt = now() + 5000
  await pollLoop
  const daemon = (await compute(local, 'lag1')).replicaLag
  await writer.end().catch(() => undefined)
  await reader.end().catch(() => undefined)

  // Client-side lag: ack of id → first poll answer with max(id) ≥ id.
  const clientLag = []
  let unseen = 0
  let p = 0
  for (let id = 1; id <= total; id++) {
    while (p < polls.length && polls[p].max < id) p++
    if (p === polls.length) {
      unseen++
      continue
    }
    clientLag[id - 1] = polls[p].at - acked[id]
  }
  const gaps = polls.slice(1).map((x, i) => x.at - polls[i].at)
  // Per 5 s of the run (by ack time): how the writer kept up and how far behind the replica was.
  const timeline = []
  for (let from = 0; from * 1000 < writeMs; from += 5) {
    const ids = []
    for (let id = 1; id <= total; id++) if (acked[id] - started >= from * 1000 && acked[id] - started < (from + 5) * 1000) ids.push(id)
    const lags = ids.map((id) => clientLag[id - 1]).filter((x) => x !== undefined)
    const lat = ids.map((id) => writeLatency[id - 1])
    timeline.push({fromS: from, acked: ids.length, perSecond: round(ids.length / 5), clientLagP50: lags.length ? round(percentile(lags, 50)) : undefined, clientLagMax: lags.length ? round(Math.max(...lags)) : undefined, writeLatencyMax: lat.length ? round(Math.max(...lat)) : undefined})
  }
  return {
    writes: total,
    plannedWrites: planned,
    cutShort: total < planned,
    targetPerSecond: LAG_RATE,
    achievedPerSecond: round(total / (writeMs / 1000)),
    writeLatencyMs: pct(writeLatency),
    pollEveryMs: POLL_MS,
    polls: polls.length,
    pollGapMs: pct(gaps),
    pollErrors: pollErrors.length,
    daemonReplicaLagMs: {samplesBefore: before.samples, samples: daemon.samples, p50: daemon.p50Ms, p99: daemon.p99Ms, max: daemon.maxMs},
    clientLagMs: {...pct(clientLag.filter((x) => x !== undefined)), unseenWithin5s: unseen},
    apiDescribeMs: {quiet: pct(apiQuiet), underSqlLoad: pct(apiLoaded)},
    timeline,
  }
}

async function benchFailover(local, onCleanup) {
  await createCluster(local, 'fo1')
  const {cluster} = await endpoints(local, 'fo1')
  const setup = await connect(cluster)
  await setup.query('CREATE TABLE fo (id int PRIMARY KEY)')
  await setup.end()
  const rds = await rdsClient(local.endpoint)
  onCleanup(() => rds.destroy())

  const {acks, errors, stop} = writeLoop({
    open: async () => ({client: await connect(cluster, {connectionTimeoutMillis: 2000, query_timeout: 5000})}),
    table: 'fo',
    onCleanup,
  })

  const writerOf = async () => (await compute(local, 'fo1')).instances.find((i) => i.role === 'writer')?.id
  const clusterStatus = async () => (await rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'fo1'}))).DBClusters[0].Status
  const runs = []
  for (let run = 1; run <= FAILOVERS; run++) {
    // Writes flowing before the request.
    const flowing = acks.length
    await sleep(300)
    if (acks.length === flowing) throw new Error(`run ${run}: no writes acknowledged in 300 ms before the failover`)
    const oldWriter = await writerOf()
    const errorsBefore = errors.length
    const requested = now()
    await rds.send(new FailoverDBClusterCommand({DBClusterIdentifier: 'fo1'}))
    const requestMs = now() - requested
    // Done: a write acknowledged after an error that followed the request, and the cluster available again.
    const deadline = requested + 120_000
    let firstError
    let firstAckAfter
    let available = false
    let availableMs
    for (;;) {
      firstError ??= errors.slice(errorsBefore).find((e) => e.at >= requested)
      if (firstError && !firstAckAfter) firstAckAfter = acks.find((a) => a.at > firstError.at)
      if (!available && (await clusterStatus()) === 'available' && (await writerOf()) !== oldWriter) {
        available = true
        availableMs = now() - requested
      }
      if (available && firstAckAfter) break
      // No error by then: the write loop was never cut (reported as such).
      if (available && !firstError && now() - requested > availableMs + 3000) break
      if (now() > deadline) throw new Error(`run ${run}: failover not done within 120 s (available ${available}, first error ${Boolean(firstError)})`)
      await sleep(20)
    }
    const newWriter = await writerOf()
    const window = acks.filter((a) => a.at >= requested - 1000)
    const lastAckBefore = firstError && acks.findLast((a) => a.at < firstError.at)
    const maxGap = Math.max(0, ...window.slice(1).map((a, i) => a.at - window[i].at))
    const r = {
      run,
      from: oldWriter,
      to: newWriter,
      requestMs: round(requestMs),
      errors: errors.length - errorsBefore,
      firstError: firstError?.message,
      unavailableMs: firstError && lastAckBefore && firstAckAfter ? round(firstAckAfter.at - lastAckBefore.at) : undefined,
      requestToNewWriterAckMs: firstAckAfter ? round(firstAckAfter.at - requested) : undefined,
      requestToAvailableMs: round(availableMs),
      maxAckGapMs: round(maxGap),
    }
    runs.push(r)
    log(`failover ${run}/${FAILOVERS}: ${r.from} → ${r.to}; unavailable ${r.unavailableMs} ms, request → new writer ack ${r.requestToNewWriterAckMs} ms, → available ${r.requestToAvailableMs} ms, ${r.errors} errors (${r.firstError})`)
  }
  await stop()

  // Every acknowledged id must be there, read through the (current) writer.
  const check = await connect(cluster)
  const {rows} = await check.query('SELECT id FROM fo')
  await check.end()
  const present = new Set(rows.map((x) => x.id))
  const lost = acks.filter((a) => !present.has(a.id))
  const valid = (key) => runs.map((x) => x[key]).filter((x) => x !== undefined)
  const summary = (key) => {
    const v = valid(key)
    return v.length === 0 ? {n: 0} : {median: round(median(v)), max: round(Math.max(...v)), min: round(Math.min(...v)), n: v.length}
  }
  return {
    runs: FAILOVERS,
    acknowledgedWrites: acks.length,
    failedAttempts: errors.length,
    rowsAtEnd: rows.length,
    acknowledgedLost: lost.length,
    lostIds: lost.slice(0, 20).map((a) => a.id),
    unavailableMs: summary('unavailableMs'),
    requestToNewWriterAckMs: summary('requestToNewWriterAckMs'),
    requestToAvailableMs: summary('requestToAvailableMs'),
    maxAckGapMs: summary('maxAckGapMs'),
    runsWithoutError: runs.filter((x) => x.errors === 0).length,
    errorKinds: [...new Set(errors.map((e) => e.message))].slice(0, 10),
    perRun: runs,
  }
}

const result = await withCleanup(async (onCleanup) => {
  const out = {}
  // Each part on a daemon of its own: a daemon that already served the insert part was seen to
  // keep up far worse with the paced writer of the lag part (35–107 vs 215–408 writes/s).
  const parts = [
    ['first', 'firstSession', (local) => benchFirstSession(local)],
    ['inserts', 'inserts', (local) => benchInserts(local, onCleanup)],
    ['lag', 'replicaLag', (local) => benchLag(local)],
  ]
  for (const [part, key, run] of parts) {
    if (!ONLY.has(part)) continue
    const local = await startLocal({timing: 'instant'})
    log(`daemon (instant) pid ${local.pid} at ${local.endpoint} for ${part}`)
    try {
      out[key] = await run(local)
    } finally {
      await local.stop()
    }
  }
  if (ONLY.has('failover')) {
    const local = await startLocal({timing: 'fast'})
    onCleanup(() => local.stop())
    log(`daemon (fast) pid ${local.pid} at ${local.endpoint}`)
    out.failover = await benchFailover(local, onCleanup)
  }
  return out
})

const targets = {}
if (result.inserts) targets['emulator inserts/s ≥ 0.5 × bare in-memory PGlite'] = {met: result.inserts.ratio >= 0.5, ratio: result.inserts.ratio}
if (result.replicaLag) {
  targets['replica lag p99 ≤ 100 ms (daemon)'] = {met: (result.replicaLag.daemonReplicaLagMs.p99 ?? Infinity) <= 100, p99: result.replicaLag.daemonReplicaLagMs.p99}
  targets['replica lag p99 ≤ 100 ms (client)'] = {met: (result.replicaLag.clientLagMs.p99 ?? Infinity) <= 100, p99: result.replicaLag.clientLagMs.p99}
}
if (result.failover) targets['failover: no acknowledged write lost'] = {met: result.failover.acknowledgedLost === 0, lost: result.failover.acknowledgedLost}

report(
  {
    benchmark: 'engine',
    machine: machine(),
    command: `node bench/engine.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    ...result,
    targets,
  },
  opts.check,
)
