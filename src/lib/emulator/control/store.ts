import Database from 'better-sqlite3'

export type ResourceKind = 'region' | 'cluster' | 'instance' | 'snapshot' | 'backtrack' | 'global-cluster'

/** The `region` column of resources that belong to no Region (global clusters). */
export const NO_REGION = ''

export interface ResourceRow {
  region: string
  kind: ResourceKind
  /** A stable key: resource ids for clusters and instances (they survive renames), the identifier for snapshots. */
  key: string
  doc: unknown
}

export interface SeqRow {
  seq: number
  region: string
  at: number
  doc: unknown
}

/** Everything one request (or one scheduler tick) changed; committed in a single SQLite transaction. */
export interface ChangeSet {
  resources: Map<string, {region: string; kind: ResourceKind; key: string; doc: unknown | null}>
  events: SeqRow[]
  eventsPrunedBefore?: number
  timersAdded: SeqRow[]
  timersRemoved: number[]
  meta: Map<string, string>
  /** Wipe every table first (admin reset). */
  wipe: boolean
}

export function emptyChangeSet(): ChangeSet {
  return {resources: new Map(), events: [], timersAdded: [], timersRemoved: [], meta: new Map(), wipe: false}
}

export function isEmptyChangeSet(c: ChangeSet): boolean {
  return !c.wipe && c.resources.size === 0 && c.events.length === 0 && c.eventsPrunedBefore === undefined &&
    c.timersAdded.length === 0 && c.timersRemoved.length === 0 && c.meta.size === 0
}

export interface StoredState {
  resources: ResourceRow[]
  events: SeqRow[]
  timers: SeqRow[]
  meta: Map<string, string>
}

/**
 * Control-plane state in SQLite (WAL). The daemon is the only writer; a change is durable once `commit` returns,
 * which happens before the reply is sent.
 */
export class Store {
  private readonly db: Database.Database
  private readonly commitTx: (changes: ChangeSet) => void

  /** `path` is a file, or ':memory:' for in-process use. */
  constructor(path: string) {
    this.db = new Database(path)
    if (path !== ':memory:') this.db.pragma('journal_mode = WAL')
    // FULL makes each commit durable against power loss as well as process death.
    this.db.pragma('synchronous = FULL')
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS resources (region TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (region, kind, key));
      CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, region TEXT NOT NULL, at INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS timers (seq INTEGER PRIMARY KEY, region TEXT NOT NULL, at INTEGER NOT NULL, doc TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `)
    const upsert = this.db.prepare('INSERT OR REPLACE INTO resources (region, kind, key, doc) VALUES (?, ?, ?, ?)')
    const remove = this.db.prepare('DELETE FROM resources WHERE region = ? AND kind = ? AND key = ?')
    const addEvent = this.db.prepare('INSERT INTO events (seq, region, at, doc) VALUES (?, ?, ?, ?)')
    const pruneEvents = this.db.prepare('DELETE FROM events WHERE at < ?')
    const addTimer = this.db.prepare('INSERT INTO timers (seq, region, at, doc) VALUES (?, ?, ?, ?)')
    const removeTimer = this.db.prepare('DELETE FROM timers WHERE seq = ?')
    const setMeta = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
    this.commitTx = this.db.transaction((changes: ChangeSet) => {
      if (changes.wipe) this.db.exec('DELETE FROM resources; DELETE FROM events; DELETE FROM timers;')
      for (const r of changes.resources.values()) {
        if (r.doc === null) remove.run(r.region, r.kind, r.key)
        else upsert.run(r.region, r.kind, r.key, JSON.stringify(r.doc))
      }
      if (changes.eventsPrunedBefore !== undefined) pruneEvents.run(changes.eventsPrunedBefore)
      for (const e of changes.events) addEvent.run(e.seq, e.region, e.at, JSON.stringify(e.doc))
      for (const seq of changes.timersRemoved) removeTimer.run(seq)
      for (const t of changes.timersAdded) addTimer.run(t.seq, t.region, t.at, JSON.stringify(t.doc))
      for (const [k, v] of changes.meta) setMeta.run(k, v)
    })
  }

  load(): StoredState {
    const parse = (rows: {seq: number; region: string; at: number; doc: string}[]) =>
      rows.map((r) => ({seq: r.seq, region: r.region, at: r.at, doc: JSON.parse(r.doc) as unknown}))
    const resources = (this.db.prepare('SELECT region, kind, key, doc FROM resources').all() as {
      region: string; kind: ResourceKind; key: string; doc: string
    }[]).map((r) => ({region: r.region, kind: r.kind, key: r.key, doc: JSON.parse(r.doc) as unknown}))
    const events = parse(this.db.prepare('SELECT seq, region, at, doc FROM events ORDER BY seq').all() as never)
    const timers = parse(this.db.prepare('SELECT seq, region, at, doc FROM timers ORDER BY at, seq').all() as never)
    const meta = new Map(
      (this.db.prepare('SELECT key, value FROM meta').all() as {key: string; value: string}[]).map((r) => [r.key, r.value]),
    )
    return {resources, events, timers, meta}
  }

  readMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as {value: string} | undefined)?.value
  }

  commit(changes: ChangeSet): void {
    if (!isEmptyChangeSet(changes)) this.commitTx(changes)
  }

  close(): void {
    this.db.close()
  }
}
