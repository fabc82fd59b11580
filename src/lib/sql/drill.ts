import type {Rds} from '../rds/client.js'
import {failoverCluster} from '../rds/clusters.js'
import type {WaitSettings} from '../rds/wait.js'
import type {SqlEndpoint} from './endpoint.js'

export interface FailoverDrillOptions {
  password: string
  /** The replica to promote; Aurora's choice when absent. */
  target?: string
  /** Writes before the failover, to measure against a steady state. */
  warmupMs: number
  /** Writes kept going once they resumed, so late losses would show. */
  settleMs: number
  keepTable: boolean
  wait: WaitSettings
  /** Runs after the new writer was reported, before the last writes (the local emulator waits for its engine). */
  afterFailover?: () => Promise<void>
  onProgress?: (line: string) => void
}

export interface FailoverDrillResult {
  cluster: string
  endpoint: string
  table: string
  previousWriter?: string
  newWriter?: string
  acknowledgedWrites: number
  /** Attempts that failed: their outcome is unknown to the client, so they may or may not be in the table. */
  failedAttempts: number
  /** Acknowledged writes missing from the table afterwards: must be 0. */
  lostWrites: number
  lostIds: number[]
  /** The longest time between two acknowledged writes around the failover (last ack before the outage → first after). */
  writesUnavailableMs: number
  /** From the failover request to the first acknowledged write after the outage. */
  writesResumedAfterMs: number
  /** From the failover request until the API reported the new writer and every instance usable. */
  failoverCompletedAfterMs: number
}

type PgClient = import('pg').Client

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * `drill failover`: a write loop through the cluster endpoint into a table of its own,
 * a failover in the middle, and then a count of what the database kept. An id counts as
 * acknowledged only when its INSERT returned; a write that failed may or may not have
 * committed, so it is never counted as lost.
 */
export async function failoverDrill(rds: Rds, endpoint: SqlEndpoint, options: FailoverDrillOptions): Promise<FailoverDrillResult> {
  const {default: pg} = await import('pg')
  const table = `auroractl_drill_${Date.now().toString(36)}`
  // The loop gives up on a connection or statement quickly and retries; setup and the final count
  // wait longer (the local emulator opens an engine on a cluster's first session).
  const connect = async (patient = false): Promise<PgClient> => {
    const client = new pg.Client({
      host: endpoint.host, port: endpoint.port, user: endpoint.user, database: endpoint.database, password: options.password,
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
  const setup = await connect(true)
  await setup.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, written_at timestamptz NOT NULL DEFAULT now())`)
  await setup.end()

  const acked: number[] = []
  const ackTimes: number[] = []
  let failedAttempts = 0
  let stop = false
  let client: PgClient | undefined
  const loop = (async () => {
    for (let id = 1; !stop; id++) {
      try {
        client ??= await connect()
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
    options.onProgress?.(`failing over after ${acked.length} acknowledged writes`)
    const failover = await failoverCluster(rds, endpoint.cluster, options.target, options.wait)
    const completedAt = Date.now()
    await options.afterFailover?.()
    // Writes must resume, then keep going a while.
    const resumeDeadline = Date.now() + options.wait.timeoutMs
    while (!ackTimes.some((t) => t > completedAt) && Date.now() < resumeDeadline) await sleep(20)
    await sleep(options.settleMs)
    stop = true
    await loop

    // The outage is the longest pause between two acknowledged writes once the failover was asked for.
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
      cluster: endpoint.cluster,
      endpoint: `${endpoint.host}:${endpoint.port}`,
      table,
      previousWriter: failover.previousWriter,
      newWriter: failover.newWriter,
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
