import {ClientSideFault} from '../fault.js'
import {globalReplication, type LostCommitReport} from '../local/global.js'
import {waitForWriterEngine} from '../local/compute.js'
import {type Rds, rdsInRegion} from '../rds/client.js'
import {failoverCluster, type FailoverResult} from '../rds/clusters.js'
import {type GlobalMember, globalMembers, promote, promotionTarget} from '../rds/global.js'
import {describeGlobalCluster} from '../rds/read.js'
import type {WaitSettings} from '../rds/wait.js'
import {type SqlEndpoint, sqlEndpoint} from './endpoint.js'

/** What every drill takes: how long to write around the disruption, and how to log in. */
export interface WriteDrillOptions {
  password: string
  /** Writes before the disruption, to measure against a steady state. */
  warmupMs: number
  /** Writes kept going once they resumed, so late losses would show. */
  settleMs: number
  keepTable: boolean
  wait: WaitSettings
  /** Runs after the disruption was reported done, before the last writes (the local emulator waits for its engine). */
  afterFailover?: () => Promise<void>
  onProgress?: (line: string) => void
}

export interface FailoverDrillOptions extends WriteDrillOptions {
  /** The replica to promote; Aurora's choice when absent. */
  target?: string
}

/** What a write loop around a disruption measured. */
export interface WriteDrillMeasures {
  endpoint: string
  table: string
  acknowledgedWrites: number
  /** Attempts that failed: their outcome is unknown to the client, so they may or may not be in the table. */
  failedAttempts: number
  /** Acknowledged writes missing from the table afterwards. */
  lostWrites: number
  lostIds: number[]
  /** The longest time between two acknowledged writes around the disruption (last ack before the outage → first after). */
  writesUnavailableMs: number
  /** From the disruption's request to the first acknowledged write after the outage. */
  writesResumedAfterMs: number
  /** From the disruption's request until it was reported done. */
  failoverCompletedAfterMs: number
}

export interface FailoverDrillResult extends WriteDrillMeasures {
  cluster: string
  previousWriter?: string
  newWriter?: string
}

export interface GlobalDrillOptions extends WriteDrillOptions {
  global: string
  /** The Region of the secondary to promote, and its cluster where the Region has several. */
  region: string
  cluster?: string
  mode: 'switchover' | 'failover'
  /** On this machine's emulator, which reports replication lag and lost commits. */
  local: boolean
  onDaemonStarted?: (endpoint: string, pid: number) => void
}

export interface GlobalDrillResult extends WriteDrillMeasures {
  globalCluster: string
  mode: 'switchover' | 'failover'
  previousPrimary?: GlobalMember
  newPrimary: GlobalMember
  /** Where writes went after the promotion: the new primary's cluster endpoint. */
  newEndpoint: string
  /** The target's replication lag just before the promotion (local emulator only). */
  lagBeforeMs?: number
  lagBeforeLsn?: number
  /** What the emulator reports the failover dropped (local emulator, failover only). */
  lostCommits?: LostCommitReport
}

/**
 * `drill global`: writes through the primary's cluster endpoint, a switchover or failover to a
 * secondary Region, then writes through the new primary's cluster endpoint; lost writes are the
 * RPO (0 for a switchover), the outage the RTO.
 */
export async function globalDrill(rds: Rds, options: GlobalDrillOptions): Promise<GlobalDrillResult> {
  const global = await describeGlobalCluster(rds, options.global)
  const target = promotionTarget(global, options.region, options.cluster)
  const primary = globalMembers(global).find((m) => m.role === 'writer')
  if (!primary) throw new ClientSideFault('InvalidGlobalClusterStateFault', `Global cluster ${options.global} has no primary to write to.`)
  if (target.role === 'writer') throw new ClientSideFault('InvalidParameterValue', `${target.cluster} in ${target.region} is already the primary of global cluster ${options.global}.`)
  const choice = {onDaemonStarted: options.onDaemonStarted}
  const endpoint = await sqlEndpoint(await rdsInRegion(rds, primary.region), primary.cluster, choice, options.local)
  if (endpoint.engine !== 'aurora-postgresql') {
    throw new ClientSideFault('InvalidParameterCombination', `The global drill writes through PostgreSQL; ${options.global} is ${endpoint.engine}.`)
  }
  const lag = options.local ? (await globalReplication(options.global, options.onDaemonStarted))?.secondaries.find((s) => s.region === target.region) : undefined
  let newEndpoint: SqlEndpoint | undefined
  const measures = await writeDrill(endpoint, options, {
    label: options.mode === 'switchover' ? `switching over to ${target.region}` : `failing over to ${target.region}`,
    run: async () => {
      await promote(rds, {global: options.global, region: target.region, cluster: target.cluster, mode: options.mode}, options.wait)
      if (options.local) await waitForWriterEngine(target.region, target.cluster, options.wait)
      // A secondary replicates the primary's users and databases: log in as before.
      const found = await sqlEndpoint(await rdsInRegion(rds, target.region), target.cluster, choice, options.local)
      newEndpoint = {...found, user: endpoint.user, database: endpoint.database}
      return newEndpoint
    },
  })
  const report = options.local && options.mode === 'failover' ? await globalReplication(options.global, options.onDaemonStarted) : undefined
  return {
    globalCluster: options.global,
    mode: options.mode,
    previousPrimary: primary,
    newPrimary: target,
    newEndpoint: newEndpoint ? `${newEndpoint.host}:${newEndpoint.port}` : '',
    lagBeforeMs: lag?.lagMs,
    lagBeforeLsn: lag?.lagLsn,
    lostCommits: report?.lastFailover,
    ...measures,
  }
}

type PgClient = import('pg').Client

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * `drill failover`: a write loop through the cluster endpoint, a failover in the middle, and a
 * count of what the database kept; lost writes must be 0.
 */
export async function failoverDrill(rds: Rds, endpoint: SqlEndpoint, options: FailoverDrillOptions): Promise<FailoverDrillResult> {
  let failover: FailoverResult | undefined
  const measures = await writeDrill(endpoint, options, {
    label: 'failing over',
    run: async () => {
      failover = await failoverCluster(rds, endpoint.cluster, options.target, options.wait)
    },
  })
  return {cluster: endpoint.cluster, previousWriter: failover?.previousWriter, newWriter: failover?.newWriter, ...measures}
}

/**
 * A write loop into a table of its own, `disrupt` in the middle, and then a count of what the
 * database kept. An id counts as acknowledged only when its INSERT returned; a write that failed
 * may or may not have committed, so it is never counted as lost. `disrupt` may return the endpoint
 * that takes writes afterwards (a global cluster's new primary): the loop moves there, and the
 * count is made there.
 */
export async function writeDrill(
  endpoint: SqlEndpoint,
  options: WriteDrillOptions,
  disruption: {label: string; run: () => Promise<SqlEndpoint | void>},
): Promise<WriteDrillMeasures> {
  const {default: pg} = await import('pg')
  const table = `auroractl_drill_${Date.now().toString(36)}`
  let current = endpoint
  // The loop gives up on a connection or statement quickly and retries; setup and the final count
  // wait longer (the local emulator opens an engine on a cluster's first session).
  const connect = async (patient = false): Promise<PgClient> => {
    const client = new pg.Client({
      host: current.host, port: current.port, user: current.user, database: current.database, password: options.password,
      connectionTimeoutMillis: patient ? 60_000 : 5000, query_timeout: patient ? undefined : 5000,
    })
    client.on('error', () => undefined)
    try {
      await client.connect()
    } catch (error) {
      await client.end().catch(() => undefined)
      throw error
    }
    return client
  }
  const createTable = async () => {
    const setup = await connect(true)
    await setup.query(`CREATE TABLE IF NOT EXISTS ${table} (id bigint PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now())`)
    await setup.end()
  }
  await createTable()

  const acked: number[] = []
  const ackTimes: number[] = []
  let failedAttempts = 0
  let stop = false
  let client: PgClient | undefined
  let clientEndpoint = current
  const loop = (async () => {
    for (let id = 1; !stop; id++) {
      try {
        // Once the writes have moved elsewhere, a session still open on the old endpoint is dropped.
        if (client && clientEndpoint !== current) {
          const old = client
          client = undefined
          await old.end().catch(() => undefined)
        }
        if (!client) {
          clientEndpoint = current
          client = await connect()
        }
        await client.query(`INSERT INTO ${table} (id) VALUES ($1)`, [id])
        acked.push(id)
        ackTimes.push(Date.now())
      } catch {
        failedAttempts++
        const dead = client
        client = undefined
        await dead?.end().catch(() => undefined)
        await sleep(25)
      }
    }
  })()

  try {
    options.onProgress?.(`writing to ${table} through ${endpoint.host}:${endpoint.port}`)
    await sleep(options.warmupMs)
    const requestedAt = Date.now()
    options.onProgress?.(`${disruption.label} after ${acked.length} acknowledged writes`)
    const next = await disruption.run()
    const completedAt = Date.now()
    await options.afterFailover?.()
    if (next) {
      current = next
      // A failover that lost data may have lost the table itself (it was never shipped): the writes go on regardless.
      await createTable()
    }
    // Writes must resume, then keep going a while.
    const resumeDeadline = Date.now() + options.wait.timeoutMs
    while (!ackTimes.some((t) => t > completedAt) && Date.now() < resumeDeadline) await sleep(20)
    await sleep(options.settleMs)
    stop = true
    await loop

    // The outage is the longest pause between two acknowledged writes once the disruption was asked for.
    let gap = 0
    let resumedAt = requestedAt
    for (let i = 1; i < ackTimes.length; i++) {
      if (ackTimes[i] >= requestedAt && ackTimes[i] - ackTimes[i - 1] > gap) {
        gap = ackTimes[i] - ackTimes[i - 1]
        resumedAt = ackTimes[i]
      }
    }

    const check = await connect(true)
    const stored = await check.query<{id: string}>(`SELECT id FROM ${table}`)
    const present = new Set(stored.rows.map((r) => Number(r.id)))
    const lostIds = acked.filter((id) => !present.has(id))
    if (!options.keepTable) await check.query(`DROP TABLE ${table}`)
    await check.end()
    return {
      endpoint: `${endpoint.host}:${endpoint.port}`,
      table,
      acknowledgedWrites: acked.length,
      failedAttempts,
      lostWrites: lostIds.length,
      lostIds: lostIds.slice(0, 100),
      writesUnavailableMs: gap,
      writesResumedAfterMs: resumedAt - requestedAt,
      failoverCompletedAfterMs: completedAt - requestedAt,
    }
  } finally {
    stop = true
    await loop.catch(() => undefined)
    await client?.end().catch(() => undefined)
  }
}
