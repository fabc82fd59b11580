import fs from 'node:fs'
import path from 'node:path'

import type {Clock} from '../clock.js'
import {crc32} from './checksum.js'
import {ConsistencyPointFile, PageFile as PageFileReader, readOverlay, readSegmentLog, VolumeDirectory, writeFileAtomic, writeOverlay} from './files.js'
import type {StorageFleet} from './fleet.js'
import type {LogArchive} from './log-archive.js'
import {BLOCK_SIZE, durableLsn, LSN_ALLOCATION_LIMIT, MAX_PROTECTION_GROUPS, PROTECTION_GROUP_BYTES, protectionGroupOf, quorumPoint, volumeCompleteLsn, WRITE_QUORUM} from './geometry.js'
import type {PageVersion} from './page-store.js'
import {PinRegistry} from './pins.js'
import {ProtectionGroup} from './protection-group.js'
import {applyRanges, type ByteRange, diffRanges, encodedSize, type LogRecord, withChecksum} from './record.js'
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
    readonly code: 'WriteQuorumLost' | 'ReadQuorumLost' | 'NoSegmentCoversReadPoint' | 'WriterFenced' | 'LsnAllocationLimit' | 'ReadPointCollected' | 'NotDurable' | 'PointPinnedAbove',
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
  /** Where segments, pages and metadata persist; in memory only without one. */
  directory?: string
  /** A group's log is folded into pages once a segment holds this many bytes of it (default 4 MiB). */
  foldAfterBytes?: number
}

/** What a volume keeps in `volume.json`: enough, with the segment and page files, to reopen it after a crash. */
interface VolumeMeta {
  id: string
  createdAt: number
  epoch: number
  durableMark: number
  truncations: {after: number; epoch: number}[]
  points: {name: string; lsn: number}[]
  /** A copy-on-write child: the volume (in the same Region) and LSN it branches from. */
  parent?: {id: string; lsn: number}
  /** Backtracked to `to` from `from`: recovery ends at `to` and keeps the log up to `from`. */
  rewound?: {to: number; from: number}
  /** Its cluster is gone but copy-on-write children still read through it. */
  retired?: true
  groups: {index: number; membershipEpoch: number; members: {id: string; node: string; state: string}[]}[]
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

/** The point pin a copy-on-write child holds on its parent is named this plus the child's id. */
export const CLONE_PIN = 'clone:'

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
  private parent?: {volume: Volume; lsn: number}
  readonly createdAt: number
  repair: RepairSettings
  repairPaused = false
  private readonly clock: Clock
  private readonly transport: Transport
  private readonly groups: ProtectionGroup[] = []
  /** Consistency points in LSN order, with their commit times (kept as two arrays: one entry per commit). */
  private readonly cplLsns: number[] = []
  private readonly cplTimes: number[] = []
  /** How many of the consistency points are in the volume's cpl.bin. */
  private persistedCpls = 0
  private writer: WriterState | undefined = new WriterState(1)
  private epoch = 1
  /** The highest VDL ever reached: recovery starts its walk of the chain here. */
  private durableMark = 0
  /**
   * While rewound (backtracked): VDL was moved back to `to` from `from`, and the log above
   * `to` is kept until the next write. Persisted, so a restart does not undo a backtrack.
   */
  private backtrack?: {to: number; from: number}
  private isRetired = false
  /** Log discarded by recovery or by a rewind made permanent: everything above `after` written before `epoch`. */
  private readonly truncations: {after: number; epoch: number}[] = []
  private readonly unavailableSince = new Map<string, number>()
  private readonly listeners = new Set<(event: VolumeEvent) => void>()
  private readonly commitListeners = new Set<(records: readonly LogRecord[]) => void>()
  private readonly files?: VolumeDirectory
  private readonly foldAfterBytes: number
  /** The continuous backup: folded records go here before segments drop them. */
  private archive?: LogArchive
  /**
   * A clone's own copy of parent pages that changed between its branch point and an older one it was moved
   * down to (the parent was backtracked past it): read instead of the parent for those blocks.
   */
  private readonly overlay = new Map<number, Uint8Array>()

  constructor(options: VolumeOptions) {
    this.id = options.id
    this.fleet = options.fleet
    this.clock = options.clock
    this.transport = options.transport ?? new DirectTransport()
    this.repair = options.repair ?? DEFAULT_REPAIR
    this.parent = options.parent
    this.createdAt = options.clock.now()
    this.foldAfterBytes = options.foldAfterBytes ?? 4 * 1024 * 1024
    if (options.directory) {
      this.files = new VolumeDirectory(options.directory)
      for (const [block, image] of readOverlay(this.overlayPath())) this.overlay.set(block, image)
      if (fs.existsSync(this.files.metaPath())) this.load()
      else this.persistMeta()
    }
  }

  /**
   * Reopens a persisted volume as after a crash of its writer: pages and the records
   * each segment had persisted (torn tails cut off), truncations re-applied, then recovery.
   */
  private load(): void {
    const files = this.files!
    const meta = JSON.parse(fs.readFileSync(files.metaPath(), 'utf8')) as VolumeMeta
    ;(this as {createdAt: number}).createdAt = meta.createdAt
    this.epoch = meta.epoch
    this.durableMark = meta.durableMark
    this.truncations.push(...meta.truncations)
    for (const p of meta.points) this.pins.pinPoint(p.name, p.lsn)
    const points = this.pins.pointLsns()
    for (const saved of meta.groups) {
      const g = this.newGroup(saved.index)
      g.membershipEpoch = saved.membershipEpoch
      g.members = saved.members.map((m) => {
        const node = this.fleet.node(m.node)
        if (!node) throw new Error(`volume ${this.id}: unknown storage node ${m.node}`)
        const segment = new Segment(m.id, saved.index, node)
        if (m.state === 'lost') segment.state = 'lost'
        return segment
      })
      const folded = PageFileReader.read(files.pagesPath(saved.index))
      g.pages.load(folded.lsn, folded.lastRecordLsn, folded.pages)
      g.pages.prune(points)
      for (const segment of g.members) {
        if (segment.state === 'lost') continue
        segment.epoch = this.epoch
        segment.adoptFloor(g.pages.lsn, g.pages.lastRecordLsn)
        const {records} = readSegmentLog(files.segmentLogPath(segment.id))
        const kept = records.filter((r) => !this.truncations.some((t) => r.lsn > t.after && r.epoch < t.epoch))
        segment.restore(kept)
        segment.log = files.segmentLog(segment.id)
        for (const r of kept) {
          if (!r.cpl) continue
          this.cplLsns.push(r.lsn)
          this.cplTimes.push(r.timestamp)
        }
      }
      this.groups[saved.index] = g
    }
    const folded = ConsistencyPointFile.read(files.cplPath())
    for (const [i, lsn] of folded.lsns.entries()) {
      this.cplLsns.push(lsn)
      this.cplTimes.push(folded.times[i])
    }
    this.sortCpls()
    this.persistedCpls = folded.lsns.length
    this.writer = undefined
    this.isRetired = meta.retired === true
    this.backtrack = meta.rewound
    this.recover()
  }

  private sortCpls(): void {
    const order = this.cplLsns.map((lsn, i) => [lsn, this.cplTimes[i]] as const).sort((a, b) => a[0] - b[0])
    this.cplLsns.length = 0
    this.cplTimes.length = 0
    for (const [i, c] of order.entries()) {
      if (i > 0 && c[0] === order[i - 1][0]) continue
      this.cplLsns.push(c[0])
      this.cplTimes.push(c[1])
    }
  }

  /** Saves epoch, truncations, membership and point pins. */
  private persistMeta(): void {
    if (!this.files) return
    const meta: VolumeMeta = {
      id: this.id,
      createdAt: this.createdAt,
      epoch: this.epoch,
      durableMark: this.durableMark,
      truncations: this.truncations,
      points: this.pins.list().filter((p) => p.kind === 'point').map(({name, lsn}) => ({name, lsn})),
      parent: this.parent && {id: this.parent.volume.id, lsn: this.parent.lsn},
      rewound: this.backtrack,
      retired: this.isRetired || undefined,
      groups: this.groups.map((g) => ({
        index: g.index,
        membershipEpoch: g.membershipEpoch,
        members: g.members.map((m) => ({id: m.id, node: m.node.id, state: m.state})),
      })),
    }
    writeFileAtomic(this.files.metaPath(), JSON.stringify(meta))
  }

  /**
   * What the registry needs of a persisted volume in `directory` without opening it: the
   * parent it branches from (to be opened before it), whether it is retired, and its
   * copy-on-write children.
   */
  static persistedState(directory: string): {parent?: {id: string; lsn: number}; retired: boolean; children: string[]} | undefined {
    const file = VolumeDirectory.metaPathIn(directory)
    if (!fs.existsSync(file)) return undefined
    const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as VolumeMeta
    return {parent: meta.parent, retired: meta.retired === true, children: cloneChildrenOf(meta.points)}
  }

  /** Its cluster is gone, but copy-on-write children still read through it: kept until the last goes. */
  get retired(): boolean {
    return this.isRetired
  }

  retire(): void {
    this.isRetired = true
    this.persistMeta()
  }

  /** Names of the copy-on-write children branching from this volume (from their pins). */
  cloneChildren(): string[] {
    return cloneChildrenOf(this.pins.list().filter((p) => p.kind === 'point'))
  }

  /** Nothing was ever written to it, and it branches from nothing. */
  get isBlank(): boolean {
    return this.groups.length === 0 && this.vdl === 0 && !this.parent
  }

  /** The volume this one branches from (copy-on-write), if any. */
  get parentVolume(): {volume: Volume; lsn: number} | undefined {
    return this.parent
  }

  /**
   * Makes a volume nothing has written yet a copy-on-write child of `parent` at `lsn`: a
   * new cluster starting from a template image, without copying it.
   */
  adoptParent(parent: Volume, lsn = parent.vdl): void {
    if (!this.isBlank) throw new Error(`volume ${this.id} already holds data`)
    parent.assertRestorable(lsn)
    parent.pinPoint(`${CLONE_PIN}${this.id}`, lsn)
    this.parent = {volume: parent, lsn}
    this.persistMeta()
  }

  /** Closes the volume's files (the daemon shutting down). */
  close(): void {
    this.files?.close()
    this.archive?.close()
  }

  // ----- consistency points -----

  get vdl(): number {
    return this.writer?.vdl ?? this.durableMark
  }

  get vcl(): number {
    return this.writer?.vcl ?? this.durableMark
  }

  /** Whether a live, unfenced writer holds the volume (false after a crash until `recover()`). */
  get hasWriter(): boolean {
    return this.writer !== undefined && !this.writer.fenced
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

  // ----- the write path -----

  private group(index: number): ProtectionGroup {
    if (index >= MAX_PROTECTION_GROUPS) throw new RangeError(`block beyond the ${MAX_PROTECTION_GROUPS}-group (128 TiB) maximum`)
    if (this.groups.length <= index) {
      while (this.groups.length <= index) {
        const g = this.newGroup(this.groups.length)
        for (const segment of g.members) segment.log = this.files?.segmentLog(segment.id)
        this.groups.push(g)
      }
      this.persistMeta()
    }
    return this.groups[index]
  }

  private newGroup(index: number): ProtectionGroup {
    return new ProtectionGroup(index, this.fleet, this.parent || this.overlay.size > 0 ? (block) => this.parentPage(block) : undefined)
  }

  /** A block this volume never wrote: its own copy of the parent's page, the parent's page, or zeros. */
  private parentPage(block: number): Uint8Array {
    const kept = this.overlay.get(block)
    if (kept) return kept.slice()
    if (!this.parent) return new Uint8Array(BLOCK_SIZE)
    const {volume, lsn} = this.parent
    return volume.readBlock(block, lsn)
  }

  /**
   * Stops sharing the parent's pages: this clone keeps its own copy of every parent page at its branch point, so
   * the parent can be replaced (a global database's old primary resynchronised from the new one). Its content
   * does not change.
   */
  detachFromParent(): void {
    const parent = this.parent
    if (!parent) return
    for (const [block, page] of parent.volume.pagesAt(parent.lsn)) if (!this.overlay.has(block)) this.overlay.set(block, page)
    if (this.files) writeOverlay(this.overlayPath(), this.overlay)
    this.parent = undefined
    this.persistMeta()
    parent.volume.releasePin(`${CLONE_PIN}${this.id}`)
  }

  private overlayPath(): string {
    return path.join(this.files!.dir, 'overlay.pages')
  }

  /**
   * Moves this clone's branch point down to `lsn` of its parent, first keeping its own copy of the parent's pages
   * that changed in between: its parent is about to be backtracked past the old branch point, and the first write
   * after that discards the log the clone read those pages from. The clone's content does not change.
   */
  rebase(lsn: number): void {
    const parent = this.parent
    if (!parent || lsn >= parent.lsn) return
    for (const block of parent.volume.blocksWrittenBetween(lsn, parent.lsn)) {
      if (!this.overlay.has(block)) this.overlay.set(block, parent.volume.readBlock(block, parent.lsn))
    }
    if (this.files) writeOverlay(this.overlayPath(), this.overlay)
    parent.volume.pinPoint(`${CLONE_PIN}${this.id}`, lsn)
    this.parent = {volume: parent.volume, lsn}
    this.persistMeta()
  }

  /** Blocks with records in (after, upTo]: the pages that differ between those two points. */
  blocksWrittenBetween(after: number, upTo: number): Set<number> {
    const blocks = new Set<number>()
    for (const g of this.groups) {
      if (after < g.pages.lsn) throw new StorageUnavailable('ReadPointCollected', `LSN ${after} is older than what volume ${this.id} keeps`)
      const source = this.liveSegments(g).find((s) => this.covers(g, s, upTo))
      if (!source) throw new StorageUnavailable('NoSegmentCoversReadPoint', `no reachable segment of protection group ${g.index} has caught up to LSN ${upTo}`)
      for (const r of source.recordsBetween(after, upTo)) blocks.add(r.block)
    }
    return blocks
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
        const reachable = this.liveSegments(g).length
        throw new StorageUnavailable(
          'WriteQuorumLost',
          `writes refused: protection group ${index} of volume ${this.id} reaches ${reachable} of 6 segments and needs ${WRITE_QUORUM}`,
        )
      }
    }
    if (current.nextLsn + writes.length - 1 > current.vdl + LSN_ALLOCATION_LIMIT) {
      throw new StorageUnavailable('LsnAllocationLimit', `writes held back: LSN allocation would pass VDL + ${LSN_ALLOCATION_LIMIT}`)
    }
    if (this.backtrack) this.discardRewoundLog()
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
    // Commit times never go backwards, so time → LSN is a binary search.
    this.cplTimes.push(Math.max(timestamp, this.cplTimes[this.cplTimes.length - 1] ?? timestamp))
    for (const r of records) this.send(w, r)
    this.updateVolumeDurability(w)
    for (const listener of this.commitListeners) listener(records)
    return cpl.lsn
  }

  /** Hears every commit, as its records (the last one the consistency point): what cross-Region replication ships. */
  onCommit(listener: (records: readonly LogRecord[]) => void): () => void {
    this.commitListeners.add(listener)
    return () => this.commitListeners.delete(listener)
  }

  /**
   * Brings a segment that missed epoch changes up to date: it applies the truncation
   * ranges it has not seen, then takes the current epoch (the epoch write of P18 §2.4).
   */
  private fence(segment: Segment): void {
    if (segment.epoch >= this.epoch || segment.state === 'lost' || !this.fleet.reachable(segment.node)) return
    for (const t of this.truncations) if (t.epoch > segment.epoch) segment.truncateRange(t.after, t.epoch)
    segment.epoch = this.epoch
  }

  /** Reachable healthy segments, each brought to the current epoch before it serves anything. */
  private liveSegments(g: ProtectionGroup): Segment[] {
    const live = g.reachableHealthy(this.fleet)
    for (const s of live) this.fence(s)
    return live
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
    this.updateGroupDurability(w, this.groups[segment.pg])
    this.updateVolumeDurability(w)
  }

  /** Recomputes every group's PGCL and the volume's VCL and VDL (after recovery, rewinds, membership changes). */
  private updateDurability(w: WriterState): void {
    for (const g of this.groups) this.updateGroupDurability(w, g)
    this.updateVolumeDurability(w)
  }

  /** PGCL: the write-quorum point of the group's acknowledged SCLs (in every quorum set during a change). */
  private updateGroupDurability(w: WriterState, g: ProtectionGroup): void {
    let point = Number.POSITIVE_INFINITY
    for (const set of g.quorumSets()) {
      const scls: number[] = []
      for (const s of set) if (s.state !== 'lost') scls.push(w.ackedScl.get(s.id) ?? 0)
      point = Math.min(point, quorumPoint(scls, WRITE_QUORUM))
    }
    const pgcl = Math.max(w.pgcl.get(g.index) ?? 0, point)
    w.pgcl.set(g.index, pgcl)
    const pending = w.pending.get(g.index)
    if (!pending) return
    let done = 0
    while (done < pending.length && pending[done].lsn <= pgcl) done++
    if (done === pending.length) w.pending.delete(g.index)
    else if (done > 0) pending.splice(0, done)
  }

  /** VCL from the first record each group still waits on, then VDL = highest CPL ≤ VCL. */
  private updateVolumeDurability(w: WriterState): void {
    // While rewound, acknowledgements of the kept log (gossip, repair) must not move VDL forward again.
    if (this.backtrack) return
    const firstPending: number[] = []
    for (const pending of w.pending.values()) firstPending.push(pending[0].lsn)
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
    if (!g) return this.parentPage(block)
    if (readPoint < g.pages.lsn && !this.pins.pointLsns().includes(readPoint)) return this.readArchived(g, block, readPoint)
    const segment = this.readSegment(g, readPoint)
    const version = g.pages.versionAt(block, readPoint)
    const image = version.image.slice()
    for (const r of segment.blockRecords(block, version.lsn, readPoint)) applyRanges(image, r.ranges)
    return image
  }

  /**
   * A block as of a point already folded away: the image kept at the nearest older point pin (an automated
   * snapshot) plus the archived records since. Point pins are sorted, so the last candidate is the nearest.
   */
  private readArchived(g: ProtectionGroup, block: number, readPoint: number): Uint8Array {
    const base = this.archiveBase(readPoint)
    if (base === undefined) {
      throw new StorageUnavailable('ReadPointCollected', `read-point ${readPoint} is below what volume ${this.id} keeps (${g.pages.lsn})`)
    }
    const image = g.pages.versionAt(block, base).image.slice()
    for (const r of this.archive!.blockRecords(block, base, readPoint)) applyRanges(image, r.ranges)
    return image
  }

  /** The image the continuous backup rebuilds `readPoint` from: the nearest point pin at or below it that the archive reaches. */
  private archiveBase(readPoint: number): number | undefined {
    const archive = this.archive
    // LSN 0 is an image too: the blank volume, or a clone's parent at the branch point.
    return archive && [0, ...this.pins.pointLsns()].filter((p) => p <= readPoint && p >= archive.start).at(-1)
  }

  /** Gives the volume its continuous backup; it starts at what is folded now (older points are not in it). */
  attachArchive(archive: LogArchive): void {
    this.archive = archive
  }

  /** What the continuous backup holds: the LSN it reaches back to and the bytes of log archived. */
  get backup(): {fromLsn: number; archivedBytes: number} | undefined {
    return this.archive && {fromLsn: this.archive.start, archivedBytes: this.archive.fileBytes}
  }

  /** The continuous backup need not reach back past `lsn` any more (the oldest image it rebuilds from moved on). */
  trimBackup(lsn: number): void {
    this.archive?.trimTo(lsn)
  }

  /**
   * Whether a segment holds every record of its group up to `lsn`: its SCL reaches
   * it, or reaches the group's last record when that is older.
   */
  private covers(g: ProtectionGroup, s: Segment, lsn: number): boolean {
    const tip = this.tipOf(g)
    return s.scl >= lsn || (tip <= lsn && s.scl >= tip)
  }

  /**
   * The group's last record: the writer knows it; without a writer (crashed, not yet
   * recovered) the most any reachable segment holds stands in for it, which is safe
   * because a read needs three of them (a read quorum) to be reachable anyway.
   */
  private tipOf(g: ProtectionGroup): number {
    const known = this.writer?.lastPgLsn.get(g.index)
    if (known !== undefined) return known
    let tip = g.pages.lastRecordLsn
    for (const s of g.reachableHealthy(this.fleet)) tip = Math.max(tip, s.maxLsn())
    return tip
  }

  private readSegment(g: ProtectionGroup, readPoint: number): Segment {
    if (!this.writer && !g.readable(this.fleet)) {
      throw new StorageUnavailable('ReadQuorumLost', `volume ${this.id} is not open and protection group ${g.index} reaches fewer than 3 of 6 segments`)
    }
    const candidates = this.liveSegments(g)
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
    this.transport.send(
      segment,
      r,
      this.fleet.reachable(segment.node),
      (delivery) => {
        if (this.writer === w && delivery.ok) this.acknowledge(w, segment, delivery.scl)
      },
      r.epoch < w.epoch ? 'peer' : 'writer',
    )
  }

  /** Segments fill gaps from their peers (P17 §3.3 step 4), or take pages when peers have folded the records. */
  gossip(): void {
    for (const g of this.groups) {
      const live = g.segments().filter((s) => s.state !== 'lost' && this.fleet.reachable(s.node))
      if (live.length < 2) continue
      if (live.every((s) => s.scl === live[0].scl && s.epoch === this.epoch && s.state === 'healthy')) continue
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
    const source = this.liveSegments(g).sort((a, b) => b.scl - a.scl)[0]
    if (!node || !source) return
    const incoming = new Segment(`pg${g.index}-${node.id}`, g.index, node)
    incoming.log = this.files?.segmentLog(incoming.id)
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
    const source = this.liveSegments(g).sort((a, b) => b.scl - a.scl)[0]
    if (!source || !this.fleet.reachable(change.incoming.node)) return
    const started = performance.now()
    change.incoming.adoptFloor(g.pages.lsn, g.pages.lastRecordLsn)
    let copiedBytes = 0
    for (const r of source.recordsBetween(change.incoming.scl, source.maxLsn())) {
      change.incoming.receive(r, 'peer')
      copiedBytes += encodedSize(r)
    }
    change.incoming.state = 'healthy'
    g.members = g.members.map((s) => (s === change.replacing ? change.incoming : s))
    g.change = undefined
    g.membershipEpoch++
    this.persistMeta()
    this.unavailableSince.delete(change.replacing.id)
    const copyMs = performance.now() - started
    const w = this.writer
    if (w) this.acknowledge(w, change.incoming, change.incoming.scl)
    this.emit({type: 'repair-finished', pg: g.index, segment: change.replacing.id, replacement: change.incoming.id, bytes: change.bytes, copiedBytes, copyMs})
  }

  /**
   * Folds records into pages up to the lowest LSN anything still needs (range pins,
   * VDL), keeping the versions point pins need, and lets segments drop folded records.
   */
  coalesce(force = false): void {
    const w = this.writer
    if (!w) return
    const horizon = this.pins.horizon(this.vdl)
    const points = this.pins.pointLsns()
    const folds: {g: ProtectionGroup; touched: Set<number>; before: number}[] = []
    for (const g of this.groups) {
      const through = Math.min(horizon, w.pgcl.get(g.index) ?? 0)
      if (through <= g.pages.lsn) continue
      const source = this.liveSegments(g).find((s) => this.covers(g, s, through))
      // Pages are folded in batches: folding after every commit would rewrite each touched page per commit.
      if (!source || (!force && source.logBytes < this.foldAfterBytes)) continue
      const before = g.pages.lsn
      const records = source.recordsBetween(g.pages.lsn, through)
      this.archive?.append(records)
      folds.push({g, before, touched: g.pages.fold(records, through, points)})
    }
    if (folds.length === 0) return
    // Consistency points first (their records are about to go), then pages, and only then may segments drop their records.
    this.persistFoldedCpls()
    for (const {g, touched, before} of folds) {
      this.persistPages(g, touched, before)
      for (const s of g.segments()) if (s.state !== 'lost' && s.scl >= g.pages.lastRecordLsn) s.adoptFloor(g.pages.lsn, g.pages.lastRecordLsn)
    }
  }

  private persistFoldedCpls(): void {
    if (!this.files) return
    const foldedThrough = Math.max(0, ...this.groups.map((g) => g.pages.lsn))
    let end = this.persistedCpls
    while (end < this.cplLsns.length && this.cplLsns[end] <= foldedThrough) end++
    ConsistencyPointFile.append(this.files.cplPath(), this.cplLsns.slice(0, end), this.cplTimes.slice(0, end), this.persistedCpls)
    this.persistedCpls = end
  }

  /** Appends the page versions a fold produced; compacts the file when it has grown well past the pages. */
  private persistPages(g: ProtectionGroup, touched: Set<number>, before: number): void {
    if (!this.files) return
    const file = this.files.pageFile(g.index)
    if (file.fileBytes > 2 * g.pages.size() + 4 * 1024 * 1024) {
      file.rewrite(g.pages.entries(), g.pages.lsn, g.pages.lastRecordLsn)
      return
    }
    const versions: [number, PageVersion][] = []
    for (const block of touched) for (const v of g.pages.versionsOf(block)) if (v.lsn > before) versions.push([block, v])
    file.append(versions, g.pages.lsn, g.pages.lastRecordLsn)
  }

  /** Keeps the volume as it is at `lsn` (a snapshot, a clone's branch point) until released. */
  pinPoint(name: string, lsn: number): void {
    // A point already folded past has no page versions left to keep (the continuous backup rebuilds from pinned images).
    const folded = this.foldedThrough()
    if (lsn < folded && !this.pins.pointLsns().includes(lsn)) {
      throw new StorageUnavailable('ReadPointCollected', `cannot keep LSN ${lsn} of volume ${this.id}: its pages are folded up to LSN ${folded}`)
    }
    this.pins.pinPoint(name, lsn)
    this.persistMeta()
  }

  /** Releases a pin and drops page versions nothing needs any more. */
  releasePin(name: string): void {
    this.pins.release(name)
    this.persistMeta()
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
    // Everything folded into pages was durable when folded, so the walk may start there.
    const start = Math.max(this.durableMark, ...this.groups.map((g) => g.pages.lsn))
    const byPrev = new Map<number, LogRecord>()
    let maxLsn = start
    for (const g of this.groups) {
      for (const s of this.liveSegments(g)) {
        for (const r of s.recordsBetween(start, Number.POSITIVE_INFINITY)) {
          const known = byPrev.get(r.prevLsn)
          if (!known || known.epoch < r.epoch) byPrev.set(r.prevLsn, r)
          maxLsn = Math.max(maxLsn, r.lsn)
        }
      }
    }
    let vcl = start
    const chain: LogRecord[] = []
    for (let next = byPrev.get(vcl); next; next = byPrev.get(vcl)) {
      chain.push(next)
      vcl = next.lsn
    }
    const vdl = this.highestCplAtOrBelow(vcl)
    const truncated = this.truncateAbove(vdl)
    // LSNs above VDL the dead writer used may be used again: its records there belong to
    // the old epoch and every segment drops them (the truncation) before it serves anything.
    const w = this.newWriter(vdl, maxLsn + 1)
    this.writer = w
    // The kept log may be spread over segments no one of which has all of it (each holds
    // fewer than four copies of some records): the writer re-replicates all of it at once.
    for (const r of chain) {
      if (r.lsn > vdl) break
      const pending = w.pending.get(r.pg) ?? []
      pending.push(r)
      w.pending.set(r.pg, pending)
    }
    this.resendPending()
    this.updateDurability(w)
    if (this.backtrack) {
      // A backtrack made before the crash still holds: VDL goes back to it, and the log
      // recovered above it is kept (the volume can still move forward to `from`).
      this.backtrack = this.backtrack.to < vdl ? {to: this.backtrack.to, from: vdl} : undefined
      w.vdl = this.backtrack?.to ?? vdl
      w.vcl = w.vdl
      this.persistMeta()
    }
    this.emit({type: 'recovered', vdl: w.vdl, epoch: this.epoch, truncated})
    return {vdl: w.vdl, epoch: this.epoch, truncated}
  }

  /**
   * Discards the log above `vdl` under a new epoch, on every reachable segment now and on
   * the others when they come back. Returns how many records were discarded.
   */
  private truncateAbove(vdl: number): number {
    this.epoch++
    let discarded = 0
    this.truncations.push({after: vdl, epoch: this.epoch})
    for (const g of this.groups) {
      const counted = g.segments().find((s) => s.state !== 'lost' && this.fleet.reachable(s.node))
      if (counted) discarded += counted.recordsBetween(vdl, Number.POSITIVE_INFINITY).length
    }
    // Persisted with the truncation: recovery walks the chain from here, and the discarded
    // log above would otherwise hide the records a write after a rewind chains from `vdl`.
    this.durableMark = vdl
    this.persistMeta()
    for (const g of this.groups) for (const s of g.segments()) this.fence(s)
    while (this.cplLsns.length > 0 && this.cplLsns[this.cplLsns.length - 1] > vdl) {
      this.cplLsns.pop()
      this.cplTimes.pop()
    }
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
      for (const s of this.liveSegments(g)) for (const r of s.recordsBetween(g.pages.lsn, vdl)) if (r.lsn > last) last = r.lsn
      w.lastPgLsn.set(g.index, last)
      for (const s of g.segments()) {
        const reachable = s.state !== 'lost' && this.fleet.reachable(s.node)
        w.ackedScl.set(s.id, reachable ? s.scl : Math.min(s.scl, last))
      }
    }
    return w
  }

  // ----- time travel -----

  /**
   * The last consistency point with a commit time at or before `t`, with that time: the
   * "nearest consistent time". A volume's first point is the volume as created (LSN 0 at
   * its creation time: empty, or a clone's image at its branch point), so nothing before
   * a clone's creation is found. While rewound, the kept points above VDL count too.
   * A point found may no longer be readable: see assertRestorable.
   */
  consistencyPointAt(t: number): {lsn: number; time: number} | undefined {
    const i = lastAtOrBelow(this.cplTimes, t)
    if (i < 0 && t < this.createdAt) return undefined
    return this.point(i)
  }

  /** The LSN of the last consistency point at or before time `t` (0 if none). */
  lsnAtTime(t: number): number {
    return this.consistencyPointAt(t)?.lsn ?? 0
  }

  /** The consistency point at index `i` of the list; -1 is the volume as created. */
  private point(i: number): {lsn: number; time: number} {
    return i < 0 ? {lsn: 0, time: this.createdAt} : {lsn: this.cplLsns[i], time: this.cplTimes[i]}
  }

  /** The highest LSN any group has folded into pages. */
  foldedThrough(): number {
    return Math.max(0, ...this.groups.map((g) => g.pages.lsn))
  }

  private isConsistencyPoint(lsn: number): boolean {
    return lsn === 0 || this.highestCplAtOrBelow(lsn) === lsn
  }

  /**
   * Refuses a read-point the volume's image cannot be cloned or copied at: above VDL or
   * not a consistency point (RangeError), or older than what is kept and not point-pinned
   * (StorageUnavailable 'ReadPointCollected').
   */
  assertRestorable(lsn: number): void {
    if (lsn > this.vdl) throw new RangeError(`LSN ${lsn} is above VDL ${this.vdl} of volume ${this.id}`)
    if (!this.isConsistencyPoint(lsn)) throw new RangeError(`LSN ${lsn} is not a consistency point of volume ${this.id}`)
    const folded = this.foldedThrough()
    if (lsn < folded && !this.pins.pointLsns().includes(lsn) && this.archiveBase(lsn) === undefined) {
      throw new StorageUnavailable('ReadPointCollected', `LSN ${lsn} is older than what volume ${this.id} keeps: its log is folded into pages up to LSN ${folded}`)
    }
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
  clone(id: string, lsn = this.vdl, directory?: string): Volume {
    this.assertRestorable(lsn)
    this.pinPoint(`${CLONE_PIN}${id}`, lsn)
    return new Volume({id, fleet: this.fleet, clock: this.clock, repair: this.repair, parent: {volume: this, lsn}, directory: directory})
  }

  /**
   * Fills this blank volume with `source`'s image at `lsn` (through its parents): a
   * restore that is a real copy, written as commits of whole pages, folded as it goes.
   * The copy is independent: it keeps no link to the source. Its log is folded to the end,
   * so its points holding part of the image are not restorable: it starts at the last.
   */
  copyFrom(source: Volume, lsn = source.vdl): void {
    if (!this.isBlank) throw new Error(`volume ${this.id} already holds data`)
    source.assertRestorable(lsn)
    let batch: BlockWrite[] = []
    const flush = () => {
      this.commit(batch)
      this.coalesce()
      batch = []
    }
    for (const [block, page] of source.pagesAt(lsn)) {
      batch.push({block, ranges: diffRanges(undefined, page)})
      if (batch.length === COPY_BATCH_BLOCKS) flush()
    }
    if (batch.length > 0) flush()
    this.coalesce(true)
  }

  /**
   * Moves VDL back to an earlier consistency point in place (backtrack). The log above
   * is kept, so the volume can move forward again, until the next write discards it.
   */
  rewind(lsn: number): void {
    const w = this.writer
    if (!w) throw new StorageUnavailable('WriterFenced', `volume ${this.id} has no writer`)
    const ceiling = this.backtrack?.from ?? w.vdl
    if (!this.isConsistencyPoint(lsn)) throw new RangeError(`LSN ${lsn} is not a consistency point of volume ${this.id}`)
    if (lsn > ceiling) throw new RangeError(`LSN ${lsn} is above the highest consistency point kept (${ceiling})`)
    if (this.groups.some((g) => lsn < g.pages.lsn)) {
      throw new StorageUnavailable('ReadPointCollected', `LSN ${lsn} is older than what volume ${this.id} keeps`)
    }
    // The first write after a rewind discards the log above it, and with it the image a clone or a snapshot keeps
    // there: such clones are rebased below the rewind first (StorageRegistry.rewind).
    const above = this.pins.list().find((p) => p.kind === 'point' && p.lsn > lsn)
    if (above) {
      throw new StorageUnavailable('PointPinnedAbove', `volume ${this.id} cannot go back to LSN ${lsn}: ${above.name} keeps its image at LSN ${above.lsn}`)
    }
    this.backtrack = lsn === ceiling ? undefined : {to: lsn, from: ceiling}
    w.vdl = lsn
    w.vcl = lsn
    this.persistMeta()
  }

  /** A write after a rewind makes it permanent: the kept log above VDL is truncated under a new epoch. */
  private discardRewoundLog(): void {
    const w = this.writer!
    this.backtrack = undefined
    this.truncateAbove(w.vdl)
    this.writer = this.newWriter(w.vdl, w.nextLsn)
    this.updateDurability(this.writer)
  }

  get rewound(): boolean {
    return this.backtrack !== undefined
  }

  // ----- reporting -----

  /** Every block written up to `readPoint`, with a clone's parent's blocks at its branch point. */
  private blocksAt(readPoint: number): Set<number> {
    const blocks = this.parent ? this.parent.volume.blocksAt(this.parent.lsn) : new Set<number>()
    for (const block of this.overlay.keys()) blocks.add(block)
    for (const g of this.groups) {
      for (const block of g.pages.blocks()) blocks.add(block)
      const source = this.liveSegments(g).find((s) => this.covers(g, s, readPoint))
      for (const r of source?.recordsBetween(0, readPoint) ?? []) blocks.add(r.block)
    }
    return blocks
  }

  /** Every block as of `readPoint` that is not all zeros, in block order, read through the normal read path. */
  *pagesAt(readPoint = this.vdl): Generator<[number, Uint8Array]> {
    for (const block of [...this.blocksAt(readPoint)].sort((a, b) => a - b)) {
      const page = this.readBlock(block, readPoint)
      if (!isZeroPage(page)) yield [block, page]
    }
  }

  /**
   * A checksum of the whole volume as of `readPoint` (default VDL), read block by block
   * through the normal read path: two volumes (or one volume at two times) with the same
   * content have the same checksum.
   */
  contentChecksum(readPoint = this.vdl): {crc32: string; blocks: number; readPoint: number} {
    const header = new Uint8Array(8)
    const view = new DataView(header.buffer)
    let crc = 0
    let counted = 0
    for (const [block, page] of this.pagesAt(readPoint)) {
      view.setFloat64(0, block)
      crc = crc32(page, crc32(header, crc))
      counted++
    }
    return {crc32: crc.toString(16).padStart(8, '0'), blocks: counted, readPoint}
  }

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
    this.persistMeta()
    return s
  }
}

/** Pages per commit when a volume is copied: 2 MiB, so a copy's log is folded in step as it grows. */
const COPY_BATCH_BLOCKS = 256

function cloneChildrenOf(points: readonly {name: string}[]): string[] {
  return points.filter((p) => p.name.startsWith(CLONE_PIN)).map((p) => p.name.slice(CLONE_PIN.length))
}

/** The index of the last entry of ascending `xs` at or below `x` (-1 if none). */
function lastAtOrBelow(xs: readonly number[], x: number): number {
  let lo = 0
  let hi = xs.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (xs[mid] <= x) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

function isZeroPage(page: Uint8Array): boolean {
  // A word at a time: a copy checks every page of the volume.
  const words = new Uint32Array(page.buffer, page.byteOffset, page.byteLength >> 2)
  for (const word of words) if (word !== 0) return false
  return true
}

export type VolumeEvent =
  | {type: 'repair-started'; pg: number; segment: string; replacement: string; bytes: number}
  /**
   * `bytes`: the segment's pages and log, which set the modelled repair time; `copiedBytes`: the log
   * actually copied from a peer (pages are held once per group in this emulator and taken over, not copied).
   */
  | {type: 'repair-finished'; pg: number; segment: string; replacement: string; bytes: number; copiedBytes: number; copyMs: number}
  | {type: 'recovered'; vdl: number; epoch: number; truncated: number}
