import type {Clock} from '../clock.js'
import type {StorageFleet} from './fleet.js'
import {BLOCK_SIZE, durableLsn, LSN_ALLOCATION_LIMIT, MAX_PROTECTION_GROUPS, PROTECTION_GROUP_BYTES, protectionGroupOf, quorumPoint, volumeCompleteLsn, WRITE_QUORUM} from './geometry.js'
import {PinRegistry} from './pins.js'
import {ProtectionGroup} from './protection-group.js'
import {applyRanges, type ByteRange, encodedSize, type LogRecord, withChecksum} from './record.js'
import {Segment} from './segment.js'
import {DirectTransport, type Transport} from './transport.js'

/** One block's change in a transaction. */
export interface BlockWrite {
  block: number
  ranges: ByteRange[]
}

/** Raised instead of a wrong answer when storage cannot do what was asked. */
export class StorageUnavailable extends Error {
  constructor(
    readonly code: 'WriteQuorumLost' | 'ReadQuorumLost' | 'NoSegmentCoversReadPoint' | 'WriterFenced' | 'LsnAllocationLimit' | 'ReadPointCollected' | 'NotDurable',
    message: string,
  ) {
    super(message)
    this.name = 'StorageUnavailable'
  }
}

export interface RepairSettings {
  /** How long a segment must be lost or unreachable before it is replaced. */
  detectionDelayMs: number
  /** Rebuild speed, bytes per second of log and pages copied from peers. */
  bytesPerSecond: number
}

export interface VolumeOptions {
  id: string
  fleet: StorageFleet
  clock: Clock
  transport?: Transport
  repair?: RepairSettings
  /** A copy-on-write clone: blocks it never wrote read as the parent's at this LSN. */
  parent?: {volume: Volume; lsn: number}
}

interface ConsistencyPoint {
  lsn: number
  timestamp: number
}

/**
 * What only the writer knows and loses when it crashes: where LSN allocation is,
 * which records are not yet at quorum, and what each segment has acknowledged.
 */
class WriterState {
  nextLsn = 1
  lastLsn = 0
  readonly lastPgLsn = new Map<number, number>()
  readonly pending = new Map<number, LogRecord[]>()
  readonly ackedScl = new Map<string, number>()
  readonly pgcl = new Map<number, number>()
  vcl = 0
  vdl = 0
  fenced = false

  constructor(readonly epoch: number) {}
}

export const DEFAULT_REPAIR: RepairSettings = {detectionDelayMs: 0, bytesPerSecond: Number.POSITIVE_INFINITY}

/**
 * An Aurora cluster volume: protection groups of six segments over three AZs, a redo log
 * with LSNs allocated by a single writer, durability at 4/6, reads from one segment at a
 * read-point, gossip, repair, recovery with epochs, coalescing, pins, and the time-travel
 * primitives (as-of reads, time → LSN, copy-on-write clones, rewind).
 */
export class Volume {
  readonly id: string
  readonly fleet: StorageFleet
  readonly pins = new PinRegistry()
  readonly parent?: {volume: Volume; lsn: number}
  readonly createdAt: number
  repair: RepairSettings
  repairPaused = false
  private readonly clock: Clock
  private readonly transport: Transport
  private readonly groups: ProtectionGroup[] = []
  /** Consistency points in LSN order, with their commit times (kept as two arrays: one entry per commit). */
  private readonly cplLsns: number[] = []
  private readonly cplTimes: number[] = []
  private writer: WriterState | undefined = new WriterState(1)
  private epoch = 1
  /** The highest VDL ever reached: recovery starts its walk of the chain here. */
  private durableMark = 0
  /** While rewound, the VDL before the rewind: the log above is kept until the next write. */
  private rewoundFrom?: number
  /** Log ranges discarded by recovery or by a rewind made permanent, with the epoch that did it. */
  private readonly truncations: {after: number; through: number; epoch: number}[] = []
  private readonly unavailableSince = new Map<string, number>()
  private readonly listeners = new Set<(event: VolumeEvent) => void>()

  constructor(options: VolumeOptions) {
    this.id = options.id
    this.fleet = options.fleet
    this.clock = options.clock
    this.transport = options.transport ?? new DirectTransport()
    this.repair = options.repair ?? DEFAULT_REPAIR
    this.parent = options.parent
    this.createdAt = options.clock.now()
  }

  // ----- consistency points -----

  get vdl(): number {
    return this.writer?.vdl ?? this.durableMark
  }

  get vcl(): number {
    return this.writer?.vcl ?? this.durableMark
  }

  get currentEpoch(): number {
    return this.epoch
  }

  get protectionGroups(): readonly ProtectionGroup[] {
    return this.groups
  }

  pgcl(pg: number): number {
    return this.writer?.pgcl.get(pg) ?? 0
  }

  /** Every consistency point, in LSN order. */
  consistencyPoints(): ConsistencyPoint[] {
    return this.cplLsns.map((lsn, i) => ({lsn, timestamp: this.cplTimes[i]}))
  }

  // ----- the write path -----

  private group(index: number): ProtectionGroup {
    if (index >= MAX_PROTECTION_GROUPS) throw new RangeError(`block beyond the ${MAX_PROTECTION_GROUPS}-group (128 TiB) maximum`)
    while (this.groups.length <= index) {
      const g = new ProtectionGroup(this.groups.length, this.fleet, this.parent ? (block) => this.parentPage(block) : undefined)
      this.groups.push(g)
    }
    return this.groups[index]
  }

  private parentPage(block: number): Uint8Array {
    const {volume, lsn} = this.parent!
    return volume.readBlock(block, lsn)
  }

  /**
   * Writes one mini-transaction: a record per block write, the last a consistency point,
   * sent to all six segments of each group. Returns its LSN; it is acknowledged
   * (durable) once VDL reaches it — at once with the direct transport, or as acks arrive.
   * Refuses up front, changing nothing, when a group cannot reach a write quorum.
   */
  commit(writes: readonly BlockWrite[], timestamp = this.clock.now()): number {
    const current = this.writer
    if (!current) throw new StorageUnavailable('WriterFenced', `volume ${this.id} has no writer; recover it first`)
    if (current.fenced) throw new StorageUnavailable('WriterFenced', `the writer of volume ${this.id} (epoch ${current.epoch}) was fenced by a newer epoch`)
    if (writes.length === 0) return current.vdl
    for (const write of writes) {
      if (!Number.isInteger(write.block) || write.block < 0) throw new RangeError(`invalid block ${write.block}`)
      for (const r of write.ranges) {
        if (r.offset < 0 || r.offset + r.bytes.length > BLOCK_SIZE) throw new RangeError(`range outside block ${write.block}`)
      }
    }
    const targets = [...new Set(writes.map((x) => protectionGroupOf(x.block)))]
    for (const index of targets) {
      const g = this.group(index)
      if (!g.writable(this.fleet)) {
        const reachable = g.reachableHealthy(this.fleet).length
        throw new StorageUnavailable(
          'WriteQuorumLost',
          `writes refused: protection group ${index} of volume ${this.id} reaches ${reachable} of 6 segments and needs ${WRITE_QUORUM}`,
        )
      }
    }
    if (current.nextLsn + writes.length - 1 > current.vdl + LSN_ALLOCATION_LIMIT) {
      throw new StorageUnavailable('LsnAllocationLimit', `writes held back: LSN allocation would pass VDL + ${LSN_ALLOCATION_LIMIT}`)
    }
    if (this.rewoundFrom !== undefined) this.discardRewoundLog()
    const w = this.writer!
    const records: LogRecord[] = []
    for (const [i, write] of writes.entries()) {
      const pg = protectionGroupOf(write.block)
      const record = withChecksum({
        lsn: w.nextLsn++,
        prevLsn: w.lastLsn,
        prevPgLsn: w.lastPgLsn.get(pg) ?? this.groups[pg].pages.lastRecordLsn,
        pg,
        block: write.block,
        ranges: write.ranges,
        cpl: i === writes.length - 1,
        timestamp,
        epoch: w.epoch,
      })
      w.lastLsn = record.lsn
      w.lastPgLsn.set(pg, record.lsn)
      const list = w.pending.get(pg) ?? []
      list.push(record)
      w.pending.set(pg, list)
      records.push(record)
    }
    const cpl = records[records.length - 1]
    this.cplLsns.push(cpl.lsn)
    this.cplTimes.push(timestamp)
    for (const r of records) this.send(w, r)
    this.updateDurability(w)
    return cpl.lsn
  }

  /**
   * Brings a segment that missed epoch changes up to date: it applies the truncation
   * ranges it has not seen, then takes the current epoch (the epoch write of P18 §2.4).
   */
  private fence(segment: Segment): void {
    if (segment.epoch >= this.epoch || segment.state === 'lost' || !this.fleet.reachable(segment.node)) return
    for (const t of this.truncations) if (t.epoch > segment.epoch) segment.truncateRange(t.after, t.through)
    segment.epoch = this.epoch
  }

  private send(w: WriterState, r: LogRecord): void {
    for (const segment of this.groups[r.pg].segments()) {
      if (segment.state === 'lost') continue
      this.fence(segment)
      this.transport.send(segment, r, this.fleet.reachable(segment.node), (delivery) => {
        if (this.writer !== w) return
        if (delivery.ok) this.acknowledge(w, segment, delivery.scl)
        else if (delivery.reason === 'stale-epoch') w.fenced = true
      })
    }
  }

  private acknowledge(w: WriterState, segment: Segment, scl: number): void {
    if ((w.ackedScl.get(segment.id) ?? 0) >= scl) return
    w.ackedScl.set(segment.id, scl)
    this.updateDurability(w)
  }

  /** PGCL per group, then VCL, then VDL = highest CPL ≤ VCL (P17 §4.1, P18 §2.3). */
  private updateDurability(w: WriterState): void {
    const firstPending: number[] = []
    for (const g of this.groups) {
      const sets = g.quorumSets().map((set) => set.filter((s) => s.state !== 'lost').map((s) => w.ackedScl.get(s.id) ?? 0))
      const pgcl = Math.max(w.pgcl.get(g.index) ?? 0, Math.min(...sets.map((scls) => quorumPoint(scls, WRITE_QUORUM))))
      w.pgcl.set(g.index, pgcl)
      const pending = w.pending.get(g.index)
      if (!pending) continue
      while (pending.length > 0 && pending[0].lsn <= pgcl) pending.shift()
      if (pending.length === 0) w.pending.delete(g.index)
      else firstPending.push(pending[0].lsn)
    }
    w.vcl = Math.max(w.vcl, volumeCompleteLsn(w.lastLsn, firstPending))
    const vdl = this.highestCplAtOrBelow(w.vcl)
    if (vdl > w.vdl) {
      w.vdl = vdl
      this.durableMark = Math.max(this.durableMark, vdl)
    }
  }

  private highestCplAtOrBelow(lsn: number): number {
    return durableLsn(this.cplLsns, lsn)
  }

  isDurable(lsn: number): boolean {
    return lsn <= this.vdl
  }

  // ----- the read path -----

  /**
   * The block as of `readPoint` (default VDL), read from one segment whose SCL covers
   * it — no quorum read. A clone's unwritten blocks come from its parent.
   */
  readBlock(block: number, readPoint = this.vdl): Uint8Array {
    if (readPoint > this.vdl) throw new RangeError(`read-point ${readPoint} is above VDL ${this.vdl}`)
    const index = protectionGroupOf(block)
    const g = this.groups[index]
    if (!g) return this.parent ? this.parentPage(block) : new Uint8Array(BLOCK_SIZE)
    if (readPoint < g.pages.lsn && !this.pins.pointLsns().includes(readPoint)) {
      throw new StorageUnavailable('ReadPointCollected', `read-point ${readPoint} is below what volume ${this.id} keeps (${g.pages.lsn})`)
    }
    const segment = this.readSegment(g, readPoint)
    const version = g.pages.versionAt(block, readPoint)
    const image = version.image.slice()
    for (const r of segment.blockRecords(block, version.lsn, readPoint)) applyRanges(image, r.ranges)
    return image
  }

  /**
   * Whether a segment holds every record of its group up to `lsn`: its SCL reaches
   * it, or reaches the group's last record when that is older.
   */
  private covers(g: ProtectionGroup, s: Segment, lsn: number): boolean {
    const tip = this.tipOf(g)
    return s.scl >= lsn || (tip <= lsn && s.scl >= tip)
  }

  private readSegment(g: ProtectionGroup, readPoint: number): Segment {
    const candidates = g.reachableHealthy(this.fleet)
    if (candidates.length === 0) throw new StorageUnavailable('ReadQuorumLost', `no segment of protection group ${g.index} of volume ${this.id} is reachable`)
    const covering = candidates.find((s) => this.covers(g, s, readPoint))
    if (!covering) {
      throw new StorageUnavailable('NoSegmentCoversReadPoint', `no reachable segment of protection group ${g.index} has caught up to LSN ${readPoint} yet`)
    }
    return covering
  }

  // ----- background work: retransmission, gossip, repair, coalescing -----

  /** One round of storage background work, as the fleet does continuously. */
  tick(): void {
    this.resendPending()
    this.gossip()
    this.runRepair()
    this.coalesce()
  }

  private resendPending(): void {
    const w = this.writer
    if (!w) return
    for (const [pg, records] of w.pending) {
      for (const segment of this.groups[pg].segments()) {
        const acked = w.ackedScl.get(segment.id) ?? 0
        for (const r of records) if (r.lsn > acked) this.resendTo(w, segment, r)
      }
    }
  }

  private resendTo(w: WriterState, segment: Segment, r: LogRecord): void {
    if (segment.state === 'lost') return
    this.fence(segment)
    this.transport.send(segment, r, this.fleet.reachable(segment.node), (delivery) => {
      if (this.writer === w && delivery.ok) this.acknowledge(w, segment, delivery.scl)
    })
  }

  /** Segments fill gaps from their peers (P17 §3.3 step 4), or take pages when peers have folded the records. */
  gossip(): void {
    for (const g of this.groups) {
      const live = g.segments().filter((s) => s.state !== 'lost' && this.fleet.reachable(s.node))
      if (live.length < 2) continue
      for (const s of live) this.fence(s)
      for (const s of live) {
        if (s.state === 'rebuilding') continue
        const source = live.filter((p) => p !== s && p.state === 'healthy').sort((a, b) => b.scl - a.scl)[0]
        if (!source || source.scl <= s.scl) continue
        if (s.scl < g.pages.lastRecordLsn) s.adoptFloor(g.pages.lsn, g.pages.lastRecordLsn)
        for (const r of source.recordsBetween(s.scl, source.maxLsn())) s.receive(r, 'peer')
      }
      const w = this.writer
      if (w) for (const s of live) this.acknowledge(w, s, s.scl)
    }
  }

  private runRepair(): void {
    const now = this.clock.now()
    for (const g of this.groups) {
      for (const s of g.members) {
        const bad = s.state === 'lost' || (!s.node.up && this.fleet.azUp(s.node.az))
        if (!bad) this.unavailableSince.delete(s.id)
        else if (!this.unavailableSince.has(s.id)) this.unavailableSince.set(s.id, now)
      }
      if (g.change) {
        if (now >= g.change.readyAt) this.finishChange(g)
        continue
      }
      if (this.repairPaused) continue
      const victim = g.members.find((s) => now - (this.unavailableSince.get(s.id) ?? now + 1) >= this.repair.detectionDelayMs)
      if (victim) this.startChange(g, victim, now)
    }
  }

  /** First step of replacing F by G: G joins; writes need 4/6 of both sets until it is finalised. */
  private startChange(g: ProtectionGroup, replacing: Segment, now: number): void {
    const used = new Set(g.segments().map((s) => s.node.id))
    const node = this.fleet.replacementIn(replacing.node.az, used)
    const source = g.reachableHealthy(this.fleet).sort((a, b) => b.scl - a.scl)[0]
    if (!node || !source) return
    const incoming = new Segment(`pg${g.index}-${node.id}`, g.index, node)
    incoming.state = 'rebuilding'
    incoming.epoch = this.epoch
    const bytes = g.pages.size() + source.logBytes
    const ms = Number.isFinite(this.repair.bytesPerSecond) ? (bytes / this.repair.bytesPerSecond) * 1000 : 0
    g.change = {replacing, incoming, startedAt: now, readyAt: now + ms, bytes}
    g.membershipEpoch++
    this.emit({type: 'repair-started', pg: g.index, segment: replacing.id, replacement: incoming.id, bytes})
  }

  /** Copies pages and log from the most complete peer, then makes the new set final. */
  private finishChange(g: ProtectionGroup): void {
    const change = g.change!
    const source = g.reachableHealthy(this.fleet).sort((a, b) => b.scl - a.scl)[0]
    if (!source || !this.fleet.reachable(change.incoming.node)) return
    const started = performance.now()
    change.incoming.adoptFloor(g.pages.lsn, g.pages.lastRecordLsn)
    for (const r of source.recordsBetween(change.incoming.scl, source.maxLsn())) change.incoming.receive(r, 'peer')
    change.incoming.state = 'healthy'
    g.members = g.members.map((s) => (s === change.replacing ? change.incoming : s))
    g.change = undefined
    g.membershipEpoch++
    this.unavailableSince.delete(change.replacing.id)
    const copyMs = performance.now() - started
    const w = this.writer
    if (w) this.acknowledge(w, change.incoming, change.incoming.scl)
    this.emit({type: 'repair-finished', pg: g.index, segment: change.replacing.id, replacement: change.incoming.id, bytes: change.bytes, copyMs})
  }

  /**
   * Folds records into pages up to the lowest LSN anything still needs (range pins,
   * VDL), keeping the versions point pins need, and lets segments drop folded records.
   */
  coalesce(): void {
    const w = this.writer
    if (!w) return
    const horizon = this.pins.horizon(this.vdl)
    const points = this.pins.pointLsns()
    for (const g of this.groups) {
      const through = Math.min(horizon, w.pgcl.get(g.index) ?? 0)
      if (through <= g.pages.lsn) continue
      const source = g.reachableHealthy(this.fleet).find((s) => this.covers(g, s, through))
      if (!source) continue
      g.pages.fold(source.recordsBetween(g.pages.lsn, through), through, points)
      for (const s of g.segments()) if (s.state !== 'lost' && s.scl >= g.pages.lastRecordLsn) s.adoptFloor(g.pages.lsn, g.pages.lastRecordLsn)
    }
  }

  private tipOf(g: ProtectionGroup): number {
    return this.writer?.lastPgLsn.get(g.index) ?? g.pages.lastRecordLsn
  }

  /** Releases a pin and drops page versions nothing needs any more. */
  releasePin(name: string): void {
    this.pins.release(name)
    const points = this.pins.pointLsns()
    for (const g of this.groups) g.pages.prune(points)
  }

  // ----- crash and recovery -----

  /** The writer dies: everything only it knew is gone. Storage keeps what it persisted. */
  crashWriter(): void {
    this.writer = undefined
  }

  /**
   * Opens the volume after the writer died (P17 §4.3, P18 §2.4): reads 3/6 of every
   * group, walks the log's backlinks from the last known durable point to recompute
   * VCL, truncates everything above the last consistency point, and bumps the volume
   * epoch so a stale writer is refused.
   */
  recover(): {vdl: number; epoch: number; truncated: number} {
    for (const g of this.groups) {
      if (!g.readable(this.fleet)) {
        throw new StorageUnavailable('ReadQuorumLost', `cannot open volume ${this.id}: protection group ${g.index} reaches fewer than 3 of 6 segments`)
      }
    }
    const byPrev = new Map<number, LogRecord>()
    let maxLsn = this.durableMark
    for (const g of this.groups) {
      for (const s of g.reachableHealthy(this.fleet)) {
        this.fence(s)
        for (const r of s.recordsBetween(this.durableMark, Number.POSITIVE_INFINITY)) {
          const known = byPrev.get(r.prevLsn)
          if (!known || known.epoch < r.epoch) byPrev.set(r.prevLsn, r)
          maxLsn = Math.max(maxLsn, r.lsn)
        }
      }
    }
    let vcl = this.durableMark
    for (let next = byPrev.get(vcl); next; next = byPrev.get(vcl)) vcl = next.lsn
    const vdl = this.highestCplAtOrBelow(vcl)
    const truncated = this.truncateAbove(vdl, maxLsn)
    const w = this.newWriter(vdl, maxLsn + 1)
    this.writer = w
    for (const g of this.groups) {
      const source = g.reachableHealthy(this.fleet).find((s) => this.covers(g, s, vdl))
      const pending = source?.recordsBetween(w.pgcl.get(g.index) ?? 0, vdl) ?? []
      if (pending.length > 0) w.pending.set(g.index, pending)
    }
    this.updateDurability(w)
    this.emit({type: 'recovered', vdl, epoch: this.epoch, truncated})
    return {vdl, epoch: this.epoch, truncated}
  }

  /**
   * Discards the log in (vdl, through] under a new epoch, on every reachable segment now
   * and on the others when they come back. Returns how many records were discarded.
   */
  private truncateAbove(vdl: number, through: number): number {
    this.epoch++
    let discarded = 0
    if (through > vdl) {
      this.truncations.push({after: vdl, through, epoch: this.epoch})
      for (const g of this.groups) {
        const counted = g.segments().find((s) => s.state !== 'lost' && this.fleet.reachable(s.node))
        if (counted) discarded += counted.recordsBetween(vdl, through).length
      }
    }
    for (const g of this.groups) for (const s of g.segments()) this.fence(s)
    while (this.cplLsns.length > 0 && this.cplLsns[this.cplLsns.length - 1] > vdl) {
      this.cplLsns.pop()
      this.cplTimes.pop()
    }
    this.durableMark = vdl
    return discarded
  }

  /** A writer of the current epoch that resumes at `vdl`, learning each segment's SCL. */
  private newWriter(vdl: number, nextLsn: number): WriterState {
    const w = new WriterState(this.epoch)
    w.nextLsn = nextLsn
    w.lastLsn = vdl
    w.vcl = vdl
    w.vdl = vdl
    for (const g of this.groups) {
      let last = g.pages.lastRecordLsn
      for (const s of g.reachableHealthy(this.fleet)) for (const r of s.recordsBetween(g.pages.lsn, vdl)) if (r.lsn > last) last = r.lsn
      w.lastPgLsn.set(g.index, last)
      for (const s of g.segments()) {
        const reachable = s.state !== 'lost' && this.fleet.reachable(s.node)
        w.ackedScl.set(s.id, reachable ? s.scl : Math.min(s.scl, last))
      }
    }
    return w
  }

  // ----- time travel -----

  /** The LSN of the last consistency point at or before time `t` (0 if none). */
  lsnAtTime(t: number): number {
    let found = 0
    for (let i = 0; i < this.cplLsns.length && this.cplTimes[i] <= t; i++) found = this.cplLsns[i]
    return found
  }

  timeOfLsn(lsn: number): number | undefined {
    const i = this.cplLsns.indexOf(lsn)
    return i === -1 ? undefined : this.cplTimes[i]
  }

  /** A read-only view of the volume as of `lsn` (a consistency point at or above what is kept). */
  asOf(lsn: number): {readBlock(block: number): Uint8Array} {
    if (lsn > this.vdl) throw new RangeError(`LSN ${lsn} is above VDL ${this.vdl}`)
    return {readBlock: (block) => this.readBlock(block, lsn)}
  }

  /**
   * A copy-on-write child sharing this volume's pages up to `lsn`: O(1) whatever the
   * size — it pins the branch point here and holds only what it writes itself.
   */
  clone(id: string, lsn = this.vdl): Volume {
    if (lsn > this.vdl) throw new RangeError(`LSN ${lsn} is above VDL ${this.vdl}`)
    this.pins.pinPoint(`clone:${id}`, lsn)
    return new Volume({id, fleet: this.fleet, clock: this.clock, repair: this.repair, parent: {volume: this, lsn}})
  }

  /**
   * Moves VDL back to an earlier consistency point in place (backtrack). The log above
   * is kept, so the volume can move forward again, until the next write discards it.
   */
  rewind(lsn: number): void {
    const w = this.writer
    if (!w) throw new StorageUnavailable('WriterFenced', `volume ${this.id} has no writer`)
    const ceiling = this.rewoundFrom ?? w.vdl
    if (lsn !== 0 && durableLsn(this.cplLsns, lsn) !== lsn) throw new RangeError(`LSN ${lsn} is not a consistency point of volume ${this.id}`)
    if (lsn > ceiling) throw new RangeError(`LSN ${lsn} is above the highest consistency point kept (${ceiling})`)
    if (this.groups.some((g) => lsn < g.pages.lsn)) {
      throw new StorageUnavailable('ReadPointCollected', `LSN ${lsn} is older than what volume ${this.id} keeps`)
    }
    this.rewoundFrom = ceiling
    w.vdl = lsn
    w.vcl = lsn
    if (lsn === ceiling) this.rewoundFrom = undefined
  }

  /** A write after a rewind makes it permanent: the kept log above VDL is truncated under a new epoch. */
  private discardRewoundLog(): void {
    const w = this.writer!
    this.truncateAbove(w.vdl, w.nextLsn - 1)
    this.rewoundFrom = undefined
    this.writer = this.newWriter(w.vdl, w.nextLsn)
    this.updateDurability(this.writer)
  }

  get rewound(): boolean {
    return this.rewoundFrom !== undefined
  }

  // ----- reporting -----

  /** Address space allocated: whole protection groups, as Aurora grows in 10 GiB steps. */
  allocatedBytes(): number {
    return this.groups.length * PROTECTION_GROUP_BYTES
  }

  /** Bytes this volume itself stores once (pages it materialised plus log not yet folded). */
  usedBytes(): number {
    let bytes = 0
    for (const g of this.groups) {
      bytes += g.pages.size()
      bytes += Math.max(0, ...g.members.map((s) => s.logBytes))
    }
    return bytes
  }

  recordCount(): number {
    let n = 0
    for (const g of this.groups) n += Math.max(0, ...g.members.map((s) => s.recordCount))
    return n
  }

  /** Bytes shipped to one copy for a record: what the write path costs per segment. */
  static recordBytes(record: LogRecord): number {
    return encodedSize(record)
  }

  on(listener: (event: VolumeEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(event: VolumeEvent): void {
    for (const l of this.listeners) l(event)
  }

  /** A segment's data is destroyed (the fault `segment-loss`). */
  loseSegment(pg: number, segmentId?: string): Segment {
    const g = this.groups[pg]
    if (!g) throw new RangeError(`volume ${this.id} has no protection group ${pg}`)
    const s = segmentId ? g.members.find((m) => m.id === segmentId) : g.members.find((m) => m.state === 'healthy')
    if (!s) throw new RangeError(`protection group ${pg} has no segment ${segmentId ?? 'to lose'}`)
    s.lose()
    return s
  }
}

export type VolumeEvent =
  | {type: 'repair-started'; pg: number; segment: string; replacement: string; bytes: number}
  | {type: 'repair-finished'; pg: number; segment: string; replacement: string; bytes: number; copyMs: number}
  | {type: 'recovered'; vdl: number; epoch: number; truncated: number}
