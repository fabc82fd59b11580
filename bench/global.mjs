#!/usr/bin/env node
// Global databases (issue 6) through the daemon (AURORACTL_TIMING=fast), side by side in one run. Each part starts
// its own daemon and a global database of its own: a primary cluster in us-east-1 created with the CLI (1 instance),
// CreateGlobalCluster from it, a secondary cluster + instance in us-west-2 through the SDK.
//   1. lag: `pg` clients paced at --rate single-row autocommit INSERTs/s in total through the primary's cluster
//      endpoint for --seconds, over a --link-ms link (POST /_auroractl/link); the daemon's replicationLag for the
//      secondary (commit stamped on the primary volume → applied on the secondary volume), and the same minus the
//      link latency. Target: p99 ≤ link + 100 ms. Also the bytes shipped per commit over that load (bytesShipped /
//      commitsShipped deltas). Target: ≤ 1 KiB.
//   2. lag-default: the same load on a fresh daemon with the default link (us-east-1 ↔ us-west-2, 65 ms).
//   3. switchover: --switchovers SwitchoverGlobalCluster runs, alternating direction, with a write loop through the
//      current primary's cluster endpoint (a fresh id per attempt; reconnects on error, finding the primary through
//      /_auroractl/global); per run request → first write acknowledged by the new primary, and writes unavailable
//      (last ack by the old primary → first ack by the new one). RPO: acknowledged ids missing on the final
//      primary. Targets: request → writable new primary ≤ 3 s (median and max), 0 missing.
//   4. failover: on the same daemon, the link taken down, --lost-writes acknowledged writes on the primary, then
//      FailoverGlobalCluster with AllowDataLoss to the secondary: the loss the daemon reports vs the acknowledged
//      ids missing on the new primary (must match); the link back up, the old primary resynchronised.
//
//   node bench/global.mjs [--rate 500] [--seconds 20] [--clients 1] [--link-ms 50] [--switchovers 20]
//     [--lost-writes 25] [--only lag,lag-default,switchover,failover] [--quick] [--check]
// --quick: 5 s of load, 4 switchovers, 10 lost writes (~1 minute).

import {
  CreateDBClusterCommand, CreateDBInstanceCommand, CreateGlobalClusterCommand, DescribeDBInstancesCommand, DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand, SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds'
import pg from 'pg'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'

import {BIN, machine, median, percentile, rdsClient, report, round, runOk, sleep, startLocal, waitFor, withCleanup, writeLoop} from './lib.mjs'

const {values: opts} = parseArgs({
  options: {
    rate: {type: 'string', default: '500'},
    seconds: {type: 'string'},
    clients: {type: 'string', default: '1'},
    'link-ms': {type: 'string', default: '50'},
    switchovers: {type: 'string'},
    'lost-writes': {type: 'string'},
    only: {type: 'string', default: 'lag,lag-default,switchover,failover'},
    quick: {type: 'boolean', default: false},
    check: {type: 'boolean', default: false},
  },
})
const QUICK = opts.quick
const RATE = Number(opts.rate)
const SECONDS = Number(opts.seconds ?? (QUICK ? 5 : 20))
const CLIENTS = Number(opts.clients)
const LINK_MS = Number(opts['link-ms'])
const SWITCHOVERS = Number(opts.switchovers ?? (QUICK ? 4 : 20))
const LOST_WRITES = Number(opts['lost-writes'] ?? (QUICK ? 10 : 25))
const ONLY = new Set(opts.only.split(','))

const USER = 'admin1'
const PASSWORD = 'bench-Passw0rd-global'
const EAST = 'us-east-1'
const WEST = 'us-west-2'
const GLOBAL = 'gdb'
const arn = (region, id) => `arn:aws:rds:${region}:000000000000:cluster:${id}`
const now = () => performance.now()
const log = (line) => process.stderr.write(`[global ${new Date().toISOString().slice(11, 23)}] ${line}\n`)
const pct = (values) =>
  values.length === 0 ? {n: 0} : {n: values.length, p50: round(percentile(values, 50)), p99: round(percentile(values, 99)), max: round(Math.max(...values)), min: round(Math.min(...values))}
const summary = (values) => (values.length === 0 ? {n: 0} : {median: round(median(values)), max: round(Math.max(...values)), min: round(Math.min(...values)), n: values.length})

async function connect(port, extra = {}) {
  const client = new pg.Client({host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 30_000, query_timeout: 30_000, ...extra})
  client.on('error', () => {
    // a dropped connection; the pending query rejects too
  })
  await client.connect()
  return client
}

/** A daemon of its own with a global database: `prim` (us-east-1, the CLI) → `sec` (us-west-2, the SDK). */
async function globalDatabase(local, onCleanup) {
  const clients = new Map()
  const rds = async (region) => {
    if (!clients.has(region)) {
      const client = await rdsClient(local.endpoint, {region})
      clients.set(region, client)
      onCleanup(() => client.destroy())
    }
    return clients.get(region)
  }
  const admin = async (route, body) => {
    const response = await globalThis.fetch(`${local.endpoint}/_auroractl/${route}`, body === undefined ? {} : {method: 'POST', body: JSON.stringify(body)})
    if (!response.ok) throw new Error(`${route}: HTTP ${response.status} ${await response.text()}`)
    return response.json()
  }
  const ports = new Map()
  const port = async (region, cluster, kind) => {
    const key = `${region}/${cluster}/${kind}`
    if (!ports.has(key)) {
      let found = 0
      await waitFor(async () => {
        const r = await admin(`compute?region=${region}&cluster=${cluster}`)
        found = r.endpoints.find((e) => e.kind === kind)?.port ?? 0
        return found > 0
      }, 60_000, `the ${kind} endpoint of ${region}/${cluster}`)
      ports.set(key, found)
    }
    return ports.get(key)
  }
  const global = () => admin(`global?id=${GLOBAL}`)
  const settled = (timeoutMs = 60_000) =>
    waitFor(async () => {
      const g = (await (await rds(EAST)).send(new DescribeGlobalClustersCommand({GlobalClusterIdentifier: GLOBAL}))).GlobalClusters[0]
      return g.Status === 'available' && g.FailoverState === undefined && g.GlobalClusterMembers.every((m) => m.SynchronizationStatus === 'connected')
    }, timeoutMs, 'the global cluster to settle')

  const started = now()
  await runOk(process.execPath, [BIN, 'cluster', 'create', 'prim', '--engine', 'aurora-postgresql', '--instances', '1', '--master-username', USER, '--master-password-stdin', '--json'], {env: local.env, input: `${PASSWORD}\n`})
  const setup = await connect(await port(EAST, 'prim', 'cluster'))
  await setup.query('CREATE TABLE g (id int PRIMARY KEY, v text NOT NULL DEFAULT \'\')')
  await setup.query('INSERT INTO g (id) SELECT generate_series(-10, -1)')
  await setup.end()
  await (await rds(EAST)).send(new CreateGlobalClusterCommand({GlobalClusterIdentifier: GLOBAL, SourceDBClusterIdentifier: arn(EAST, 'prim')}))
  await (await rds(WEST)).send(new CreateDBClusterCommand({DBClusterIdentifier: 'sec', Engine: 'aurora-postgresql', GlobalClusterIdentifier: GLOBAL}))
  await (await rds(WEST)).send(new CreateDBInstanceCommand({DBInstanceIdentifier: 'sec-1', DBClusterIdentifier: 'sec', Engine: 'aurora-postgresql', DBInstanceClass: 'db.r6g.large'}))
  await settled(120_000)
  // A switchover needs an available instance in the target to promote.
  await waitFor(async () => (await (await rds(WEST)).send(new DescribeDBInstancesCommand({DBInstanceIdentifier: 'sec-1'}))).DBInstances[0].DBInstanceStatus === 'available', 60_000, 'sec-1 to be available')
  await waitFor(async () => (await global()).secondaries[0]?.initialising === false, 60_000, 'the secondary\'s first copy')
  log(`global database ${GLOBAL}: prim (${EAST}) → sec (${WEST}) ready in ${round(now() - started)} ms`)
  return {rds, admin, port, global, settled}
}

/** Ids present in a cluster, read through the given endpoint (retried while it refuses, e.g. a replica opening). */
async function ids(db, region, cluster, kind) {
  let rows
  await waitFor(async () => {
    const client = await connect(await db.port(region, cluster, kind), {connectionTimeoutMillis: 5000, query_timeout: 30_000})
    try {
      rows = (await client.query('SELECT id FROM g')).rows.map((r) => Number(r.id))
      return true
    } finally {
      await client.end().catch(() => undefined)
    }
  }, 60_000, `the rows of ${region}/${cluster} (${kind})`)
  return rows
}

async function benchLag(local, onCleanup, linkMs) {
  const db = await globalDatabase(local, onCleanup)
  let link
  if (linkMs !== undefined) link = await db.admin('link', {a: EAST, b: WEST, latencyMs: linkMs})
  else link = (await db.admin('links')).find((l) => [l.a, l.b].sort().join() === [EAST, WEST].join()) ?? {latencyMs: 'default'}
  const latencyMs = typeof link.latencyMs === 'number' ? link.latencyMs : 65
  const primaryPort = await db.port(EAST, 'prim', 'cluster')
  const writers = await Promise.all(Array.from({length: CLIENTS}, () => connect(primaryPort)))
  // Warm the writers' sessions (first statements plan and cache).
  for (const [i, w] of writers.entries()) for (let k = 0; k < 20; k++) await w.query('INSERT INTO g (id, v) VALUES ($1, $2)', [-1000 - i * 100 - k, 'warm'])
  await sleep(Math.max(500, 3 * latencyMs))
  const before = (await db.global()).secondaries[0]
  log(`lag: link ${EAST} ↔ ${WEST} ${latencyMs} ms; ${CLIENTS} client(s) paced at ${RATE}/s in total for ${SECONDS} s`)

  // The daemon's instantaneous lag (oldest shipment in flight) every 500 ms during the load.
  const lagMsSeen = []
  let loading = true
  const sampler = (async () => {
    while (loading) {
      const s = (await db.global()).secondaries[0]
      lagMsSeen.push(s.lagMs)
      await sleep(500)
    }
  })()
  const total = RATE * SECONDS
  const interval = 1000 / RATE
  const latency = []
  let nextId = 1
  let written = 0
  const started = now()
  const deadline = started + 3 * SECONDS * 1000
  await Promise.all(writers.map(async (w) => {
    for (;;) {
      const id = nextId++
      if (id > total || now() > deadline) return
      const wait = started + (id - 1) * interval - now()
      if (wait > 1) await sleep(wait)
      const sent = now()
      await w.query('INSERT INTO g (id, v) VALUES ($1, $2)', [id, 'x'])
      latency.push(now() - sent)
      written++
    }
  }))
  const writeMs = now() - started
  loading = false
  await sampler
  // Everything written must have been applied on the secondary before the counters are read.
  await waitFor(async () => (await db.global()).secondaries[0].lagLsn === 0, 30_000, 'the secondary to catch up')
  const after = (await db.global()).secondaries[0]
  for (const w of writers) await w.end().catch(() => undefined)
  const secondaryIds = new Set(await ids(db, WEST, 'sec', 'reader'))
  let missingOnSecondary = 0
  for (let id = 1; id <= written; id++) if (!secondaryIds.has(id)) missingOnSecondary++

  const commits = after.commitsShipped - before.commitsShipped
  const bytes = after.bytesShipped - before.bytesShipped
  const lag = after.replicationLag
  const minus = (x) => (x === undefined ? undefined : round(x - latencyMs))
  const out = {
    linkMs: latencyMs,
    linkSet: linkMs !== undefined,
    clients: CLIENTS,
    targetPerSecond: RATE,
    writes: written,
    plannedWrites: total,
    cutShort: written < total,
    achievedPerSecond: round(written / (writeMs / 1000)),
    insertLatencyMs: pct(latency),
    replicationLagMs: {samplesBefore: before.replicationLag.samples, samples: lag.samples, p50: lag.p50Ms, p99: lag.p99Ms, max: lag.maxMs},
    replicationLagAboveLinkMs: {p50: minus(lag.p50Ms), p99: minus(lag.p99Ms), max: minus(lag.maxMs)},
    inFlightLagMsEvery500ms: pct(lagMsSeen),
    commitsShipped: commits,
    bytesShipped: bytes,
    bytesPerCommit: commits > 0 ? round(bytes / commits) : undefined,
    missingOnSecondary,
  }
  log(`lag (link ${latencyMs} ms): ${out.achievedPerSecond}/s achieved; replicationLag p50 ${lag.p50Ms} / p99 ${lag.p99Ms} / max ${lag.maxMs} ms over ${lag.samples} commits; ${out.bytesPerCommit} bytes/commit; ${missingOnSecondary} missing on the secondary`)
  return out
}

async function benchSwitchover(local, onCleanup) {
  const db = await globalDatabase(local, onCleanup)
  const rdsEast = await db.rds(EAST)
  const {acks, errors, stop} = writeLoop({
    open: async () => {
      const {primary} = await db.global()
      return {client: await connect(await db.port(primary.region, primary.cluster, 'cluster'), {connectionTimeoutMillis: 2000, query_timeout: 5000}), target: primary.cluster}
    },
    table: 'g',
    onCleanup,
  })

  const runs = []
  for (let run = 1; run <= SWITCHOVERS; run++) {
    const flowing = acks.length
    await sleep(300)
    if (acks.length === flowing) throw new Error(`run ${run}: no writes acknowledged in 300 ms before the switchover`)
    const {primary} = await db.global()
    const to = primary.region === EAST ? {region: WEST, cluster: 'sec'} : {region: EAST, cluster: 'prim'}
    const errorsBefore = errors.length
    const requested = now()
    await rdsEast.send(new SwitchoverGlobalClusterCommand({GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: arn(to.region, to.cluster)}))
    const requestMs = now() - requested
    let firstNew
    await waitFor(() => (firstNew = acks.find((a) => a.at > requested && a.target === to.cluster)) !== undefined, 60_000, `run ${run}: a write acknowledged by ${to.cluster}`)
    await db.settled()
    const settledMs = now() - requested
    const {primary: after} = await db.global()
    if (after.cluster !== to.cluster) throw new Error(`run ${run}: primary is ${after.cluster} after switching over to ${to.cluster}`)
    const lastOld = acks.findLast((a) => a.at < firstNew.at && a.target === primary.cluster)
    const r = {
      run,
      from: `${primary.region}/${primary.cluster}`,
      to: `${to.region}/${to.cluster}`,
      requestMs: round(requestMs),
      writesPerSecondBefore: round(acks.filter((a) => a.at >= requested - 300 && a.at < requested).length / 0.3),
      requestToNewPrimaryAckMs: round(firstNew.at - requested),
      unavailableMs: lastOld ? round(firstNew.at - lastOld.at) : undefined,
      oldPrimaryAckedAfterRequestMs: lastOld ? round(Math.max(0, lastOld.at - requested)) : undefined,
      requestToSettledMs: round(settledMs),
      errors: errors.length - errorsBefore,
      firstError: errors[errorsBefore]?.message,
    }
    runs.push(r)
    log(`switchover ${run}/${SWITCHOVERS}: ${r.from} → ${r.to}; request → new primary ack ${r.requestToNewPrimaryAckMs} ms, unavailable ${r.unavailableMs} ms, settled ${r.requestToSettledMs} ms, ${r.errors} errors (${r.firstError})`)
  }
  await stop()

  const {primary} = await db.global()
  const present = new Set(await ids(db, primary.region, primary.cluster, 'cluster'))
  const lost = acks.filter((a) => !present.has(a.id))
  const ackedIds = new Set(acks.map((a) => a.id))
  let unacknowledgedPresent = 0
  for (const id of present) if (id > 0 && !ackedIds.has(id)) unacknowledgedPresent++
  const valid = (key) => runs.map((x) => x[key]).filter((x) => x !== undefined)
  const out = {
    runs: SWITCHOVERS,
    finalPrimary: `${primary.region}/${primary.cluster}`,
    acknowledgedWrites: acks.length,
    failedAttempts: errors.length,
    acknowledgedMissing: lost.length,
    missingIds: lost.slice(0, 20).map((a) => a.id),
    unacknowledgedPresent,
    requestToNewPrimaryAckMs: summary(valid('requestToNewPrimaryAckMs')),
    unavailableMs: summary(valid('unavailableMs')),
    requestToSettledMs: summary(valid('requestToSettledMs')),
    requestMs: summary(valid('requestMs')),
    writesPerSecondBefore: summary(valid('writesPerSecondBefore')),
    errorKinds: [...new Set(errors.map((e) => e.message))].slice(0, 10),
    perRun: runs,
  }
  return {db, out}
}

async function benchFailover(db) {
  const {primary} = await db.global()
  const to = primary.region === EAST ? {region: WEST, cluster: 'sec'} : {region: EAST, cluster: 'prim'}
  const writer = await connect(await db.port(primary.region, primary.cluster, 'cluster'))
  await writer.query('INSERT INTO g (id) VALUES (-100000)')
  await waitFor(async () => (await db.global()).secondaries[0].lagLsn === 0, 30_000, 'the secondary to catch up')
  await db.admin('link', {a: EAST, b: WEST, up: false})
  const acked = []
  for (let i = 0; i < LOST_WRITES; i++) {
    const id = -200000 - i
    await writer.query('INSERT INTO g (id) VALUES ($1)', [id])
    acked.push(id)
  }
  await writer.end().catch(() => undefined)
  const pending = (await db.global()).secondaries[0]
  const requested = now()
  await (await db.rds(EAST)).send(new FailoverGlobalClusterCommand({GlobalClusterIdentifier: GLOBAL, TargetDbClusterIdentifier: arn(to.region, to.cluster), AllowDataLoss: true}))
  await waitFor(async () => (await db.global()).primary?.cluster === to.cluster, 60_000, 'the promotion')
  const promotedMs = now() - requested
  // The first write the new primary acknowledges.
  let firstAckMs
  await waitFor(async () => {
    const c = await connect(await db.port(to.region, to.cluster, 'cluster'), {connectionTimeoutMillis: 2000, query_timeout: 5000})
    try {
      await c.query('INSERT INTO g (id) VALUES (-300000)')
      firstAckMs = now() - requested
      return true
    } finally {
      await c.end().catch(() => undefined)
    }
  }, 60_000, 'a write on the new primary')
  const loss = (await db.global()).lastFailover
  const present = new Set(await ids(db, to.region, to.cluster, 'cluster'))
  const missing = acked.filter((id) => !present.has(id))
  await db.admin('link', {a: EAST, b: WEST, up: true})
  const upAt = now()
  await db.settled()
  const resyncedMs = now() - upAt
  const oldPrimary = new Set(await ids(db, primary.region, primary.cluster, 'reader'))
  const out = {
    from: `${primary.region}/${primary.cluster}`,
    to: `${to.region}/${to.cluster}`,
    acknowledgedWhileLinkDown: acked.length,
    lagLsnBeforeFailover: pending.lagLsn,
    reportedLoss: loss,
    acknowledgedMissingOnNewPrimary: missing.length,
    lossMatches: loss?.lostCommits === missing.length,
    requestToPromotedMs: round(promotedMs),
    requestToFirstAckMs: round(firstAckMs),
    linkUpToSettledMs: round(resyncedMs),
    oldPrimaryFollowsNewOne: oldPrimary.has(-300000) && acked.every((id) => !oldPrimary.has(id)),
  }
  log(`failover with data loss: ${acked.length} acknowledged while the link was down; reported lost ${loss?.lostCommits}, missing ${missing.length}; first write on the new primary after ${out.requestToFirstAckMs} ms`)
  return out
}

const result = await withCleanup(async (onCleanup) => {
  const out = {}
  const parts = [
    ['lag', 'lag', (local) => benchLag(local, onCleanup, LINK_MS)],
    ['lag-default', 'lagDefaultLink', (local) => benchLag(local, onCleanup, undefined)],
  ]
  for (const [part, key, run] of parts) {
    if (!ONLY.has(part)) continue
    const local = await startLocal({timing: 'fast'})
    log(`daemon (fast) pid ${local.pid} at ${local.endpoint} for ${part}`)
    try {
      out[key] = await run(local)
    } finally {
      await local.stop()
    }
  }
  if (ONLY.has('switchover') || ONLY.has('failover')) {
    const local = await startLocal({timing: 'fast'})
    onCleanup(() => local.stop())
    log(`daemon (fast) pid ${local.pid} at ${local.endpoint} for switchover/failover`)
    let db
    if (ONLY.has('switchover')) ({db, out: out.switchover} = await benchSwitchover(local, onCleanup))
    else db = await globalDatabase(local, onCleanup)
    if (ONLY.has('failover')) out.failoverWithDataLoss = await benchFailover(db)
  }
  return out
})

const targets = {}
if (result.lag) {
  const p99 = result.lag.replicationLagAboveLinkMs.p99
  targets[`replication lag p99 ≤ link (${result.lag.linkMs} ms) + 100 ms at ${RATE} commits/s`] = {met: p99 !== undefined && p99 <= 100, p99AboveLink: p99, achievedPerSecond: result.lag.achievedPerSecond}
  targets['bytes shipped per small commit ≤ 1 KiB'] = {met: result.lag.bytesPerCommit !== undefined && result.lag.bytesPerCommit <= 1024, bytesPerCommit: result.lag.bytesPerCommit}
}
if (result.switchover) {
  const s = result.switchover
  targets['switchover: request → writable new primary ≤ 3 s (max)'] = {met: s.requestToNewPrimaryAckMs.n === s.runs && s.requestToNewPrimaryAckMs.max <= 3000, median: s.requestToNewPrimaryAckMs.median, max: s.requestToNewPrimaryAckMs.max}
  targets['switchover: RPO 0 (no acknowledged write missing)'] = {met: s.acknowledgedMissing === 0, missing: s.acknowledgedMissing, of: s.acknowledgedWrites}
}
if (result.failoverWithDataLoss) {
  const f = result.failoverWithDataLoss
  targets['failover with data loss: reported loss = acknowledged writes missing'] = {met: f.lossMatches, reported: f.reportedLoss?.lostCommits, missing: f.acknowledgedMissingOnNewPrimary}
}

report(
  {
    benchmark: 'global',
    machine: machine(),
    command: `node bench/global.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    timing: 'fast',
    ...result,
    targets,
  },
  opts.check,
)
