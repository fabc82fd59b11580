import type {Clock} from './clock.js'
import {dbInstanceNotFound, invalidDbInstanceState} from './control/faults.js'
import type {ComputeTopology, ControlPlane} from './control/plane.js'
import {ENGINE_BUILD, SqlInstance, type SqlSession} from './engine/sql-instance.js'
import {FatalError, isIdle, PostgresWireServer} from './engine/wire.js'
import type {StorageAdmin} from './storage-admin.js'
import {lagSummary, type LagSummary} from './lag.js'
import type {Volume} from './storage/volume.js'

/**
 * A replica starts re-opening at a newer read-point this long after its last re-open finished
 * (one at a time; each takes about 0.3 s of its own thread), so a replica keeps at most one
 * core busy while the writer commits.
 */
const REPLICA_REFRESH_MS = 100
/** A replica no session has used for this long stops following the writer and frees its memory. */
const REPLICA_IDLE_MS = 60_000
const COMMITS_KEPT = 20_000
const LAG_SAMPLES_KEPT = 20_000
/** Instance statuses in which an instance's engine serves sessions. */
const SERVING = new Set(['available', 'modifying'])

export interface EndpointReport {
  kind: 'cluster' | 'reader' | 'instance'
  instance?: string
  host: '127.0.0.1'
  port: number
}

export interface InstanceComputeReport {
  id: string
  role: 'writer' | 'reader'
  status: string
  /** stopped: no engine runs (it starts on the first session); starting: PostgreSQL is opening. */
  engine: 'stopped' | 'starting' | 'running'
  readPoint?: number
  /** How long ago the oldest commit this replica does not see yet was made (0: it sees VDL). */
  lagMs?: number
  /** VDL minus the replica's read-point. */
  lagLsn?: number
}

export interface ComputeReport {
  cluster: string
  region: string
  engine: string
  /** `none` for aurora-mysql: there is no MySQL engine in this runtime yet. */
  sql: 'postgresql' | 'none'
  reason?: string
  user: string
  database: string
  vdl: number
  /** No writer has run since the daemon started: the engine opens on the first session. */
  idle: boolean
  endpoints: EndpointReport[]
  instances: InstanceComputeReport[]
  /** Time from a commit to its first visibility on a replica, over the commits replicas caught up with. */
  replicaLag: LagSummary
}

interface Endpoint {
  kind: EndpointReport['kind']
  instance?: string
  readOnly: boolean
  server: PostgresWireServer
  port: number
}

interface Replica {
  engine?: SqlInstance
  next?: SqlInstance
  lastUsed: number
  lastOpened: number
  generation: number
}

interface ClusterCompute {
  topology: ComputeTopology
  endpoints: Map<string, Endpoint>
  writer?: {instance: string; engine: SqlInstance}
  /** A writer ran on this volume in this process: the next one runs the volume's recovery first. */
  hadWriter: boolean
  replicas: Map<string, Replica>
  commits: {lsn: number; at: number}[]
  lagSamples: number[]
  retired: SqlInstance[]
  readerChoice: WeakMap<object, string>
  readerTurn: number
  /** Resolves once the volume holds a database (branched from the template if it was empty). */
  image?: Promise<void>
  /** The volume the engines run on: a secondary resynchronised from its primary gets a new one. */
  volume?: Volume
}

const ENDPOINT_ORDER: readonly EndpointReport['kind'][] = ['cluster', 'reader', 'instance']

const notAccepting = (message: string) => new FatalError('57P03', message)

/**
 * The emulator's compute: PostgreSQL (PGlite) for every aurora-postgresql instance on its
 * cluster's volume, and the endpoints clients reach it by (DESIGN §5). It follows the
 * control plane: a writer change (failover, the writer lost) fences the old writer, runs
 * the volume's recovery and opens the new writer at VDL; sessions on the old one are dropped.
 * Engines start lazily, on a cluster's first session, so idle clusters cost only their sockets.
 */
/** A global database's writer endpoint: it follows the primary cluster, wherever it is. */
interface GlobalEndpoint {
  server: PostgresWireServer
  port: number
  /** The primary sessions were opened on; a new one drops them. */
  primaryKey?: string
}

export class ComputeAdmin {
  private readonly clusters = new Map<string, ClusterCompute>()
  private readonly globals = new Map<string, GlobalEndpoint>()
  /** Per Region: the initialised database every new cluster volume branches from. */
  private readonly templates = new Map<string, Promise<Volume>>()
  private closing = false

  constructor(
    private readonly plane: ControlPlane,
    private readonly storage: StorageAdmin,
    private readonly clock: Clock,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Brings endpoints and engines in line with the control plane, and moves replicas forward. */
  tick(): void {
    if (this.closing) return
    const seen = new Set<string>()
    for (const topology of this.plane.computeTopologies()) {
      if (topology.engine !== 'aurora-postgresql') continue
      const key = `${topology.region}/${topology.resourceId}`
      seen.add(key)
      let c = this.clusters.get(key)
      if (!c) {
        c = {
          topology, endpoints: new Map(), hadWriter: false, replicas: new Map(), commits: [], lagSamples: [], retired: [],
          readerChoice: new WeakMap(), readerTurn: 0,
        }
        this.clusters.set(key, c)
      }
      c.topology = topology
      this.reconcile(c)
    }
    for (const [key, c] of this.clusters) {
      if (!seen.has(key)) {
        this.clusters.delete(key)
        void this.stopCluster(c)
      }
    }
    this.reconcileGlobals()
  }

  /** The primary of a global database: the member that takes writes (none during a switchover). */
  private globalPrimary(globalId: string): ClusterCompute | undefined {
    for (const c of this.clusters.values()) {
      if (c.topology.globalClusterId === globalId && c.topology.globalRole === 'primary' && c.topology.acceptsWrites) return c
    }
    return undefined
  }

  private reconcileGlobals(): void {
    const ids = new Set([...this.clusters.values()].flatMap((c) => (c.topology.globalClusterId ? [c.topology.globalClusterId] : [])))
    for (const [id, g] of this.globals) {
      if (ids.has(id)) continue
      this.globals.delete(id)
      void g.server.close()
    }
    for (const id of ids) {
      let g = this.globals.get(id)
      if (!g) g = this.openGlobalEndpoint(id)
      const primary = this.globalPrimary(id)
      const key = primary && `${primary.topology.region}/${primary.topology.resourceId}`
      // Sessions stay on the primary they were opened on: a promotion elsewhere drops them, as a DNS flip would.
      if (g.primaryKey !== undefined && key !== g.primaryKey) g.server.dropConnections()
      if (key !== undefined) g.primaryKey = key
    }
  }

  private openGlobalEndpoint(id: string): GlobalEndpoint {
    const server = new PostgresWireServer({
      port: 0,
      readOnly: false,
      databases: ['postgres', ...new Set([...this.clusters.values()].flatMap((c) => (c.topology.globalClusterId === id && c.topology.databaseName ? [c.topology.databaseName] : [])))],
      passwordFor: (user) => {
        const t = this.globalPrimary(id)?.topology
        return t && user === t.masterUsername ? t.masterUserPassword : undefined
      },
      database: () => {
        const primary = this.globalPrimary(id)
        if (!primary) return Promise.reject(notAccepting(`global database ${id} has no primary taking writes at the moment (a switchover or failover is under way)`))
        return this.writerDatabase(primary)
      },
    })
    const endpoint: GlobalEndpoint = {server, port: 0}
    this.globals.set(id, endpoint)
    server.listen().then(
      (port) => {
        endpoint.port = port
      },
      (error: unknown) => {
        if (this.globals.get(id) === endpoint) this.globals.delete(id)
        this.log(`cannot listen for the writer endpoint of global database ${id}: ${(error as Error).message}`)
      },
    )
    return endpoint
  }

  /** Where a global database's writer endpoint listens (127.0.0.1), once it does. */
  globalWriterEndpoint(globalId: string): {host: '127.0.0.1'; port: number} | undefined {
    const g = this.globals.get(globalId)
    return g && g.port > 0 ? {host: '127.0.0.1', port: g.port} : undefined
  }

  private volume(c: ClusterCompute): Volume {
    c.volume = this.storage.volumeOf(c.topology.region, c.topology.id).volume
    return c.volume
  }

  private reconcile(c: ClusterCompute): void {
    const t = c.topology
    const clusterServes = !['stopped', 'stopping', 'starting', 'deleting', 'creating'].includes(t.status)
    // A global secondary (or a primary handing over in a switchover) takes no writes: every instance reads.
    const writer = t.acceptsWrites ? t.members.find((m) => m.isWriter) : undefined
    // The writer engine goes when its instance is no longer the serving writer.
    if (c.writer && (!clusterServes || writer?.id !== c.writer.instance || !SERVING.has(writer.status))) {
      this.discardWriter(c)
    }
    // A secondary resynchronised from a new primary has a new volume: nothing of the old one may be served.
    if (c.volume && this.storage.registry.has(t.region, t.resourceId) && this.volume(c) !== c.volume) {
      this.discardWriter(c)
      for (const id of [...c.replicas.keys()]) this.discardReplica(c, id, true)
      c.image = undefined
    }
    // After a failover or restart the new writer opens at once, so writes resume without waiting for a session.
    if (!c.writer && c.hadWriter && clusterServes && writer && SERVING.has(writer.status)) {
      this.writerDatabase(c).catch(() => undefined)
    }
    // Endpoints: the cluster's two, and one per instance (read-only on replicas).
    const wanted = new Map<string, {kind: Endpoint['kind']; instance?: string; readOnly: boolean}>()
    if (t.status !== 'deleting') {
      wanted.set('cluster', {kind: 'cluster', readOnly: false})
      wanted.set('reader', {kind: 'reader', readOnly: true})
      for (const m of t.members) if (m.status !== 'deleting') wanted.set(`instance:${m.id}`, {kind: 'instance', instance: m.id, readOnly: m.id !== writer?.id})
    }
    for (const [key, e] of c.endpoints) {
      const want = wanted.get(key)
      if (!want || want.readOnly !== e.readOnly) {
        c.endpoints.delete(key)
        void e.server.close()
        // An instance whose role changed keeps its port.
        if (want) this.openEndpoint(c, key, want, e.port)
      }
    }
    for (const [key, want] of wanted) if (!c.endpoints.has(key)) this.openEndpoint(c, key, want, 0)
    // Replicas: engines only for serving readers; idle ones stop; used ones follow VDL.
    const now = this.clock.now()
    for (const [id, r] of c.replicas) {
      const m = t.members.find((x) => x.id === id)
      const serves = clusterServes && m !== undefined && m.id !== writer?.id && SERVING.has(m.status)
      // An idle replica only frees its memory: its next session re-opens it.
      if (!serves || now - r.lastUsed > REPLICA_IDLE_MS) {
        this.discardReplica(c, id, !serves)
        continue
      }
      this.refresh(c, id, r, now)
    }
    c.retired = c.retired.filter((engine) => {
      const db = engine.database
      if (db && !isIdle(db)) return true
      void engine.close()
      return false
    })
  }

  private openEndpoint(c: ClusterCompute, key: string, want: {kind: Endpoint['kind']; instance?: string; readOnly: boolean}, port: number): void {
    const server = new PostgresWireServer({
      port,
      readOnly: want.readOnly,
      databases: ['postgres', ...(c.topology.databaseName ? [c.topology.databaseName] : [])],
      passwordFor: (user) => (user === c.topology.masterUsername ? c.topology.masterUserPassword : undefined),
      database: (session) => this.databaseFor(c, want, session),
    })
    const endpoint: Endpoint = {...want, server, port: 0}
    c.endpoints.set(key, endpoint)
    server.listen().then(
      (chosen) => {
        endpoint.port = chosen
      },
      (error: unknown) => {
        // The old port was taken meanwhile: any free one will do.
        if (c.endpoints.get(key) === endpoint) c.endpoints.delete(key)
        this.log(`cannot listen for ${c.topology.id} ${key} on port ${port}: ${(error as Error).message}`)
      },
    )
  }

  private databaseFor(c: ClusterCompute, endpoint: {kind: Endpoint['kind']; instance?: string}, session: object): Promise<SqlSession> {
    if (this.closing) return Promise.reject(notAccepting('the database system is shutting down'))
    const t = c.topology
    if (['stopped', 'stopping', 'starting'].includes(t.status)) {
      return Promise.reject(notAccepting(`the database system is not accepting connections: cluster ${t.id} is ${t.status}`))
    }
    if (endpoint.kind === 'cluster') {
      if (!t.acceptsWrites) {
        return Promise.reject(notAccepting(
          `cluster ${t.id} is a secondary cluster of a global database: its writer endpoint is inactive; read through its reader endpoint`,
        ))
      }
      return this.writerDatabase(c)
    }
    // An instance in an AZ that is down is out of reach, whatever the control plane last said of it.
    const downAzs = new Set(this.storage.registry.fleet(t.region).downAzList())
    if (endpoint.kind === 'instance') {
      const m = t.members.find((x) => x.id === endpoint.instance)
      if (!m || !SERVING.has(m.status)) {
        return Promise.reject(notAccepting(`the database system is not accepting connections: instance ${endpoint.instance} is ${m?.status ?? 'gone'}`))
      }
      if (downAzs.has(m.availabilityZone)) {
        return Promise.reject(notAccepting(`the database system is not accepting connections: instance ${m.id} is in ${m.availabilityZone}, which is down`))
      }
      return m.isWriter && t.acceptsWrites ? this.writerDatabase(c) : this.replicaDatabase(c, m.id)
    }
    // Reader endpoint: a session stays on the replica it was given; none reachable → the writer.
    const readers = t.members
      .filter((m) => !(m.isWriter && t.acceptsWrites) && SERVING.has(m.status) && !downAzs.has(m.availabilityZone))
      .map((m) => m.id)
    let choice = c.readerChoice.get(session)
    if (choice === undefined || !readers.includes(choice)) {
      choice = readers.length > 0 ? readers[c.readerTurn++ % readers.length] : undefined
      if (choice !== undefined) c.readerChoice.set(session, choice)
    }
    return choice === undefined ? this.writerDatabase(c) : this.replicaDatabase(c, choice)
  }

  private async writerDatabase(c: ClusterCompute, retried = false): Promise<SqlSession> {
    const t = c.topology
    const writer = t.members.find((m) => m.isWriter && SERVING.has(m.status))
    if (!t.acceptsWrites) throw notAccepting(`the database system is read-only: cluster ${t.id} is a secondary cluster of a global database`)
    if (!writer || t.status === 'deleting') throw notAccepting(`the database system is starting up: cluster ${t.id} has no available writer`)
    if (!c.writer) {
      try {
        await this.imageOf(c)
      } catch (error) {
        throw notAccepting(`the database system failed to start: ${(error as Error).message}`)
      }
    }
    if (!c.writer) {
      const volume = this.volume(c)
      try {
        if (c.hadWriter) {
          volume.crashWriter()
          volume.recover()
        }
      } catch (error) {
        throw notAccepting(`the database system cannot open its storage: ${(error as Error).message}`)
      }
      c.hadWriter = true
      const engine = SqlInstance.writer(volume, {
        now: () => this.clock.now(),
        onCommit: (lsn, at) => {
          c.commits.push({lsn, at})
          if (c.commits.length > COMMITS_KEPT) c.commits.splice(0, c.commits.length - COMMITS_KEPT)
        },
      })
      c.writer = {instance: writer.id, engine}
      engine.ready.catch((error: unknown) => {
        this.log(`writer ${writer.id} of ${t.id} failed to open: ${(error as Error).message}`)
        void engine.close({crash: true})
        if (c.writer?.engine === engine) c.writer = undefined
      })
    }
    try {
      return await c.writer.engine.ready
    } catch (error) {
      // PGlite now and then fails to open an image it opens the next time (seen after a daemon restart): try once more.
      if (!retried) return this.writerDatabase(c, true)
      throw notAccepting(`the database system failed to start: ${(error as Error).message}`)
    }
  }

  /**
   * A new cluster's database: its empty volume becomes a copy-on-write child of the Region's
   * template (initdb run once), so it costs no copy and its writer opens in a fraction of a second.
   */
  private imageOf(c: ClusterCompute): Promise<void> {
    c.image ??= (async () => {
      const volume = this.volume(c)
      if (!volume.isBlank) return
      // A secondary's database comes from its primary, never from a template of its own.
      if (!c.topology.acceptsWrites) throw new Error(`cluster ${c.topology.id} has received no data from its primary yet`)
      const template = await this.template(c.topology.region)
      // Another session may have got there first while the template was made.
      if (volume.isBlank) volume.adoptParent(template)
    })().catch((error: unknown) => {
      c.image = undefined
      throw error
    })
    return c.image
  }

  private template(region: string): Promise<Volume> {
    let template = this.templates.get(region)
    if (!template) {
      template = (async () => {
        const volume = this.storage.registry.template(region, ENGINE_BUILD)
        if (volume.vdl === 0) {
          this.log(`initialising the ${ENGINE_BUILD} template in ${region}`)
          const engine = SqlInstance.writer(volume, {now: () => this.clock.now()})
          await engine.ready
          await engine.close()
        }
        return volume
      })()
      template.catch(() => this.templates.delete(region))
      this.templates.set(region, template)
    }
    return template
  }

  private async replicaDatabase(c: ClusterCompute, id: string): Promise<SqlSession> {
    // A replica shows what the writer made: the volume must have been initialised by one first.
    if (c.writer) await c.writer.engine.ready.catch(() => undefined)
    try {
      await this.imageOf(c)
    } catch (error) {
      throw notAccepting(`the database system is starting up: ${(error as Error).message}`)
    }
    let r = c.replicas.get(id)
    const now = this.clock.now()
    if (!r) {
      r = {lastUsed: now, lastOpened: now, generation: 0}
      c.replicas.set(id, r)
    }
    r.lastUsed = now
    if (!r.engine) r.engine = this.openReplica(c, id, r)
    try {
      return await r.engine.ready
    } catch (error) {
      // Forgotten, so the next session tries again.
      if (c.replicas.get(id) === r) c.replicas.delete(id)
      throw notAccepting(`the replica failed to start: ${(error as Error).message}`)
    }
  }

  private openReplica(c: ClusterCompute, id: string, r: Replica): SqlInstance {
    r.lastOpened = this.clock.now()
    return SqlInstance.replica(this.volume(c), `replica.${id}.${++r.generation}`, {now: () => this.clock.now()})
  }

  /** Reopens a replica at the current VDL in the background and swaps it in when ready. */
  private refresh(c: ClusterCompute, id: string, r: Replica, now: number): void {
    const current = r.engine
    if (!current?.database || r.next || now - r.lastOpened < REPLICA_REFRESH_MS) return
    if (this.volume(c).vdl <= current.readPoint) return
    const next = this.openReplica(c, id, r)
    r.next = next
    next.ready.then(
      () => {
        r.lastOpened = this.clock.now()
        if (r.next !== next) return
        r.next = undefined
        if (c.replicas.get(id) !== r || next.closed) {
          void next.close()
          return
        }
        const visibleAt = this.clock.now()
        for (const commit of c.commits) {
          if (commit.lsn > current.readPoint && commit.lsn <= next.readPoint) c.lagSamples.push(visibleAt - commit.at)
        }
        if (c.lagSamples.length > LAG_SAMPLES_KEPT) c.lagSamples.splice(0, c.lagSamples.length - LAG_SAMPLES_KEPT)
        r.engine = next
        c.retired.push(current)
      },
      (error: unknown) => {
        r.lastOpened = this.clock.now()
        if (r.next === next) r.next = undefined
        this.log(`replica ${id} of ${c.topology.id} failed to reopen: ${(error as Error).message}`)
      },
    )
  }

  /** The writer goes: fenced at once, its sessions dropped; the next writer recovers the volume. */
  private discardWriter(c: ClusterCompute): void {
    const old = c.writer
    if (!old) return
    c.writer = undefined
    void old.engine.close({crash: true})
    c.endpoints.get('cluster')?.server.dropConnections()
    c.endpoints.get(`instance:${old.instance}`)?.server.dropConnections()
  }

  /** A replica's engines go (a crash: nothing of a replica's image is kept), and its sessions if it stopped serving. */
  private discardReplica(c: ClusterCompute, id: string, dropSessions: boolean): void {
    const r = c.replicas.get(id)
    c.replicas.delete(id)
    void r?.engine?.close({crash: true})
    void r?.next?.close({crash: true})
    if (dropSessions) c.endpoints.get(`instance:${id}`)?.server.dropConnections()
  }

  private async stopCluster(c: ClusterCompute): Promise<void> {
    const engines = [c.writer?.engine, ...[...c.replicas.values()].flatMap((r) => [r.engine, r.next]), ...c.retired]
    c.writer = undefined
    await Promise.all([...c.endpoints.values()].map((e) => e.server.close()))
    await Promise.all(engines.map((e) => e?.close({crash: true})))
  }

  private find(region: string, clusterId: string): {topology: ComputeTopology; compute?: ClusterCompute} {
    const ref = this.plane.clusterRef(region, clusterId)
    const topology = this.plane.computeTopologies().find((t) => t.region === region && t.resourceId === ref.resourceId)!
    return {topology, compute: this.clusters.get(`${region}/${ref.resourceId}`)}
  }

  report(region: string, clusterId: string): ComputeReport {
    const {topology: t, compute: c} = this.find(region, clusterId)
    const vdl = this.storage.volumeOf(region, t.id).volume.vdl
    const base = {cluster: t.id, region, engine: t.engine, user: t.masterUsername, database: t.databaseName ?? 'postgres', vdl}
    if (t.engine !== 'aurora-postgresql') {
      return {
        ...base, sql: 'none', idle: true, reason: `${t.engine} has no SQL engine in this emulator yet: its control plane and storage are emulated, but nothing serves MySQL connections`,
        endpoints: [], instances: t.members.map((m) => ({id: m.id, role: m.isWriter ? 'writer' : 'reader', status: m.status, engine: 'stopped'})), replicaLag: {samples: 0},
      }
    }
    const now = this.clock.now()
    const endpoints: EndpointReport[] = [...(c?.endpoints.values() ?? [])]
      .filter((e) => e.port > 0)
      .map((e) => ({kind: e.kind, ...(e.instance ? {instance: e.instance} : {}), host: '127.0.0.1' as const, port: e.port}))
      .sort((a, b) => ENDPOINT_ORDER.indexOf(a.kind) - ENDPOINT_ORDER.indexOf(b.kind) || (a.instance ?? '').localeCompare(b.instance ?? ''))
    const instances = t.members.map((m): InstanceComputeReport => {
      const status = m.status
      if (m.isWriter) {
        const engine = c?.writer?.instance === m.id ? c.writer.engine : undefined
        return {id: m.id, role: 'writer', status, engine: engine ? (engine.database ? 'running' : 'starting') : 'stopped', ...(engine?.database ? {readPoint: vdl, lagMs: 0, lagLsn: 0} : {})}
      }
      const engine = c?.replicas.get(m.id)?.engine
      if (!engine?.database) return {id: m.id, role: 'reader', status, engine: engine ? 'starting' : 'stopped'}
      const behind = c!.commits.find((x) => x.lsn > engine.readPoint)
      return {id: m.id, role: 'reader', status, engine: 'running', readPoint: engine.readPoint, lagMs: behind ? now - behind.at : 0, lagLsn: vdl - engine.readPoint}
    })
    return {...base, sql: 'postgresql', idle: !c?.hadWriter, endpoints, instances, replicaLag: lagSummary(c?.lagSamples ?? [])}
  }

  /**
   * `local kill-instance`: the instance's engine dies at once (no clean shutdown). A writer
   * with an available replica fails over to it, as Aurora does on writer loss; otherwise
   * the instance restarts (recovering the volume if it was the writer).
   */
  killInstance(region: string, instanceId: string, failoverTarget?: string): {instance: string; cluster: string; role: 'writer' | 'reader'; recovery: 'failover' | 'restart'} {
    const id = instanceId.toLowerCase()
    const t = this.plane.computeTopologies().find((x) => x.region === region && x.members.some((m) => m.id === id))
    if (!t) throw dbInstanceNotFound(instanceId)
    const member = t.members.find((m) => m.id === id)!
    if (member.status !== 'available') {
      throw invalidDbInstanceState(`DbInstance ${id} is in ${member.status} state but expected it to be one of available.`)
    }
    // The control plane first: if it refuses, nothing was killed.
    const canFailOver = member.isWriter && t.status === 'available' && t.members.some((m) => !m.isWriter && m.status === 'available')
    if (canFailOver) this.plane.failoverDBCluster(region, {DBClusterIdentifier: t.id, TargetDBInstanceIdentifier: failoverTarget})
    else this.plane.rebootDBInstance(region, {DBInstanceIdentifier: id})
    const c = this.clusters.get(`${region}/${t.resourceId}`)
    if (c && member.isWriter) this.discardWriter(c)
    else if (c) this.discardReplica(c, id, true)
    this.log(`instance ${id} of ${t.id} killed; ${canFailOver ? 'failing over' : 'restarting'}`)
    return {instance: id, cluster: t.id, role: member.isWriter ? 'writer' : 'reader', recovery: canFailOver ? 'failover' : 'restart'}
  }

  /**
   * An AZ went down: a writer there is lost with it, and fails over to a replica in another
   * AZ where there is one (its storage still has 4/6 elsewhere). Returns the writers killed.
   */
  azDown(region: string, az: string): string[] {
    const killed: string[] = []
    for (const t of this.plane.computeTopologies()) {
      if (t.region !== region || t.status !== 'available') continue
      const writer = t.members.find((m) => m.isWriter && m.availabilityZone === az && m.status === 'available')
      const survivor = t.members.find((m) => !m.isWriter && m.status === 'available' && m.availabilityZone !== az)
      if (!writer || !survivor) continue
      this.killInstance(region, writer.id, survivor.id)
      killed.push(writer.id)
    }
    return killed
  }

  reset(): void {
    for (const c of this.clusters.values()) void this.stopCluster(c)
    this.clusters.clear()
    for (const g of this.globals.values()) void g.server.close()
    this.globals.clear()
    this.templates.clear()
  }

  /** Fences every engine and closes every endpoint (the daemon is stopping). */
  async close(): Promise<void> {
    this.closing = true
    await Promise.all([...this.clusters.values()].map((c) => this.stopCluster(c)))
    this.clusters.clear()
    await Promise.all([...this.globals.values()].map((g) => g.server.close()))
    this.globals.clear()
  }
}
