import type {Clock} from './clock.js'
import {ReplicationLinkDown, type RegionalVolume, type ReplicationService, type ReplicationStatus} from './control/replication.js'
import {lagSummary, type LagSummary} from './lag.js'
import {encodedSize, type LogRecord} from './storage/record.js'
import type {StorageRegistry} from './storage/registry.js'
import type {Volume} from './storage/volume.js'

/** One-way latency between two Regions by default: within a continent, across the US, across an ocean (ms). */
const SAME_CONTINENT_MS = 25
const ACROSS_US_MS = 65
const ACROSS_OCEAN_MS = 80

function continent(region: string): string {
  return region.split('-')[0]
}

function defaultLatency(a: string, b: string): number {
  if (continent(a) !== continent(b)) return ACROSS_OCEAN_MS
  const side = (r: string) => (r.includes('west') ? 'west' : r.includes('east') ? 'east' : 'central')
  return continent(a) === 'us' && side(a) !== side(b) ? ACROSS_US_MS : SAME_CONTINENT_MS
}

export interface LinkState {
  a: string
  b: string
  latencyMs: number
  up: boolean
}

/** The network between Regions: a latency and up/down per pair, the same both ways. */
export class RegionLinks {
  private readonly links = new Map<string, LinkState>()

  private key(a: string, b: string): string {
    return [a, b].sort().join(' ')
  }

  get(a: string, b: string): LinkState {
    const [first, second] = [a, b].sort()
    return this.links.get(this.key(a, b)) ?? {a: first, b: second, latencyMs: defaultLatency(a, b), up: true}
  }

  set(a: string, b: string, change: {latencyMs?: number; up?: boolean}): LinkState {
    const current = this.get(a, b)
    const next = {...current, latencyMs: change.latencyMs ?? current.latencyMs, up: change.up ?? current.up}
    this.links.set(this.key(a, b), next)
    return next
  }

  /** Links changed from their defaults. */
  list(): LinkState[] {
    return [...this.links.values()]
  }
}

interface Shipment {
  primaryLsn: number
  timestamp: number
  records: readonly LogRecord[]
  deliverAt: number
}

interface Stream {
  primary: RegionalVolume
  secondary: RegionalVolume
  queue: Shipment[]
  /** The primary's LSN the secondary holds everything up to. */
  appliedLsn: number
  /** The secondary still has to be made a copy of the primary (done once the primary holds data). */
  needsCopy: boolean
  /** Promoted away: nothing more is applied, the primary's commits are only counted. */
  severed: boolean
  bytesShipped: number
  commitsShipped: number
  /** Commit on the primary → applied on the secondary, per commit (the most recent ones). */
  lagSamples: number[]
  stop: () => void
}

export interface StreamReport extends ReplicationStatus {
  primary: RegionalVolume
  secondary: RegionalVolume
  appliedLsn: number
  bytesShipped: number
  commitsShipped: number
  /** Waiting for the first copy of the primary (it has written nothing yet). */
  initialising: boolean
  /** Time from a commit on the primary to its being applied on the secondary, over the recent commits. */
  replicationLag: LagSummary
}

const LAG_SAMPLES_KEPT = 20_000

const key = (v: RegionalVolume) => `${v.region}/${v.volumeId}`

/**
 * Aurora Global Database's storage-level replication: each commit of a primary volume (its log records, not pages)
 * is shipped over the link to every secondary volume and applied there as the same commit, after the link's
 * latency, in order; a link that is down holds the shipments until it comes back. `pump` delivers what is due; the
 * daemon calls it from a timer set for the next delivery.
 */
export class GlobalReplication implements ReplicationService {
  readonly links = new RegionLinks()
  private readonly streams = new Map<string, Stream>()
  private timer?: NodeJS.Timeout

  constructor(
    private readonly registry: StorageRegistry,
    private readonly clock: Clock,
    /** Whether to deliver on timers of its own (the daemon), or only when pump() is called (deterministic tests). */
    private readonly timers = true,
  ) {}

  private volume(v: RegionalVolume): Volume {
    return this.registry.volume(v.region, v.volumeId)
  }

  attach(primary: RegionalVolume, secondary: RegionalVolume, options: {copy: boolean}): void {
    if (!this.links.get(primary.region, secondary.region).up) {
      throw new ReplicationLinkDown(`the link between ${primary.region} and ${secondary.region} is down`)
    }
    this.detach(secondary)
    const source = this.volume(primary)
    const stream: Stream = {
      primary, secondary, queue: [], appliedLsn: source.vdl, needsCopy: options.copy, severed: false, bytesShipped: 0, commitsShipped: 0,
      lagSamples: [], stop: () => undefined,
    }
    const off = source.onCommit((records) => {
      const last = records[records.length - 1]
      const link = this.links.get(primary.region, secondary.region)
      stream.queue.push({primaryLsn: last.lsn, timestamp: last.timestamp, records, deliverAt: this.clock.now() + link.latencyMs})
      this.schedule()
    })
    stream.stop = off
    this.streams.set(key(secondary), stream)
    this.initialise(stream)
  }

  detach(secondary: RegionalVolume): void {
    const stream = this.streams.get(key(secondary))
    if (!stream) return
    stream.stop()
    this.streams.delete(key(secondary))
  }

  sever(secondary: RegionalVolume): void {
    const stream = this.streams.get(key(secondary))
    if (stream) stream.severed = true
  }

  status(secondary: RegionalVolume): ReplicationStatus {
    const stream = this.streams.get(key(secondary))
    if (!stream) return {lagLsn: 0, lagMs: 0, linkUp: true}
    const primary = this.volume(stream.primary)
    const oldest = stream.queue[0]
    return {
      lagLsn: stream.needsCopy ? primary.vdl : Math.max(0, primary.vdl - stream.appliedLsn),
      lagMs: oldest ? Math.max(0, this.clock.now() - oldest.timestamp) : 0,
      linkUp: this.links.get(stream.primary.region, stream.secondary.region).up,
    }
  }

  unreplicated(secondary: RegionalVolume): {commits: number; fromLsn?: number; toLsn?: number} {
    const queue = this.streams.get(key(secondary))?.queue ?? []
    return queue.length === 0 ? {commits: 0} : {commits: queue.length, fromLsn: queue[0].primaryLsn, toLsn: queue[queue.length - 1].primaryLsn}
  }

  /** Changes a link; shipments held by a link that comes back leave now and arrive after its latency. */
  setLink(a: string, b: string, change: {latencyMs?: number; up?: boolean}): LinkState {
    const link = this.links.set(a, b, change)
    if (change.up) {
      const earliest = this.clock.now() + link.latencyMs
      for (const s of this.streams.values()) {
        if (!sameLink(s, a, b)) continue
        for (const shipment of s.queue) shipment.deliverAt = Math.max(shipment.deliverAt, earliest)
      }
    }
    this.schedule()
    return link
  }

  /** Applies, in order, every shipment that has arrived; makes first copies that were waiting for data. */
  pump(): void {
    const now = this.clock.now()
    for (const s of this.streams.values()) {
      if (s.severed || !this.links.get(s.primary.region, s.secondary.region).up) continue
      if (s.needsCopy) this.initialise(s)
      if (s.needsCopy) continue
      const target = this.volume(s.secondary)
      while (s.queue.length > 0 && s.queue[0].deliverAt <= now) {
        const shipment = s.queue.shift()!
        // Commits the first copy already held are not applied twice.
        if (shipment.primaryLsn <= s.appliedLsn) continue
        target.commit(shipment.records.map((r) => ({block: r.block, ranges: r.ranges})), shipment.timestamp)
        s.appliedLsn = shipment.primaryLsn
        s.commitsShipped++
        s.lagSamples.push(now - shipment.timestamp)
        if (s.lagSamples.length > LAG_SAMPLES_KEPT) s.lagSamples.splice(0, s.lagSamples.length - LAG_SAMPLES_KEPT)
        s.bytesShipped += shipment.records.reduce((n, r) => n + encodedSize(r), 0)
      }
    }
    this.schedule()
  }

  /**
   * Restarts shipping after the daemon restarted (streams live in memory): every secondary of `members` is copied
   * afresh from its primary, which is always consistent whatever it had applied before.
   */
  resume(members: readonly {region: string; resourceId: string; globalClusterId?: string; globalRole: string}[]): void {
    for (const secondary of members) {
      if (secondary.globalRole !== 'secondary') continue
      const primary = members.find((m) => m.globalClusterId === secondary.globalClusterId && m.globalRole === 'primary')
      if (!primary) continue
      // Links start up again with the daemon (they are not persisted), so this attach cannot meet a down link.
      this.attach({region: primary.region, volumeId: primary.resourceId}, {region: secondary.region, volumeId: secondary.resourceId}, {copy: true})
    }
  }

  report(): StreamReport[] {
    return [...this.streams.values()].map((s) => ({
      ...this.status(s.secondary), primary: s.primary, secondary: s.secondary, appliedLsn: s.appliedLsn,
      bytesShipped: s.bytesShipped, commitsShipped: s.commitsShipped, initialising: s.needsCopy, replicationLag: lagSummary(s.lagSamples),
    }))
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    for (const s of this.streams.values()) s.stop()
    this.streams.clear()
  }

  /**
   * The secondary becomes a copy of the primary as it is now, once the primary holds data (a primary nobody has
   * written yet gets its first image from its engine, which a secondary must copy, not rebuild).
   */
  private initialise(s: Stream): void {
    if (!s.needsCopy) return
    const source = this.volume(s.primary)
    if (source.isBlank || !this.links.get(s.primary.region, s.secondary.region).up) return
    this.registry.replaceWithCopy(s.secondary.region, s.secondary.volumeId, source)
    s.appliedLsn = source.vdl
    s.needsCopy = false
  }

  private schedule(): void {
    if (!this.timers) return
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    let next = Number.POSITIVE_INFINITY
    for (const s of this.streams.values()) {
      if (s.severed || !this.links.get(s.primary.region, s.secondary.region).up) continue
      if (s.needsCopy) next = Math.min(next, this.clock.now() + 200)
      if (s.queue.length > 0) next = Math.min(next, s.queue[0].deliverAt)
    }
    if (next === Number.POSITIVE_INFINITY) return
    this.timer = setTimeout(() => this.pump(), Math.max(0, next - this.clock.now()))
    this.timer.unref()
  }
}

function sameLink(s: Stream, a: string, b: string): boolean {
  return [s.primary.region, s.secondary.region].sort().join(' ') === [a, b].sort().join(' ')
}
