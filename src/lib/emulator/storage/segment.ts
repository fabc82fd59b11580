import type {SegmentLog} from './files.js'
import type {StorageNode} from './fleet.js'
import {checksumValid, encodedSize, type LogRecord} from './record.js'

export type SegmentState = 'healthy' | 'rebuilding' | 'lost'

export type Delivery = {ok: true; scl: number} | {ok: false; reason: 'stale-epoch' | 'corrupt' | 'lost'}

/**
 * One of a protection group's six copies, on one storage node. It persists records it
 * receives, acknowledges with its SCL (the end of its gap-free chain, P18 §2.3), fills
 * gaps from peers, and refuses writers of an older volume epoch.
 */
export class Segment {
  state: SegmentState = 'healthy'
  /** Segment completion LSN: every record of the group up to here is present. */
  scl = 0
  /** Records at or below this LSN have been folded into the group's pages. */
  floor = 0
  /** The newest volume epoch seen; records of older epochs are refused (fencing). */
  epoch = 0
  private readonly records = new Map<number, LogRecord>()
  private readonly nextByPrev = new Map<number, number>()
  private readonly byBlock = new Map<number, number[]>()
  private bytes = 0
  /** The last folded record of the group, where this segment's chain resumes after a page transfer. */
  private floorRecordLsn = 0
  /** Where received records are persisted before they are acknowledged (none: in memory only). */
  log?: SegmentLog

  constructor(
    readonly id: string,
    readonly pg: number,
    public node: StorageNode,
  ) {}

  get recordCount(): number {
    return this.records.size
  }

  /** Bytes of log held (as framed on disk). */
  get logBytes(): number {
    return this.bytes
  }

  /**
   * Persists a record and acknowledges with the SCL. A writer's record of an older
   * epoch is refused; a copy from a peer (gossip, repair) carries no writer epoch.
   */
  receive(r: LogRecord, from: 'writer' | 'peer' = 'writer'): Delivery {
    if (this.state === 'lost') return {ok: false, reason: 'lost'}
    if (from === 'writer' && r.epoch < this.epoch) return {ok: false, reason: 'stale-epoch'}
    if (!checksumValid(r)) return {ok: false, reason: 'corrupt'}
    if (r.lsn > this.floor && !this.records.has(r.lsn)) {
      this.log?.append(r)
      this.store(r)
    }
    return {ok: true, scl: this.scl}
  }

  /** Takes back records read from this segment's own file after a restart. */
  restore(records: readonly LogRecord[]): void {
    for (const r of records) if (r.lsn > this.floor && !this.records.has(r.lsn)) this.store(r)
  }

  private store(r: LogRecord): void {
    this.records.set(r.lsn, r)
    this.nextByPrev.set(r.prevPgLsn, r.lsn)
    const list = this.byBlock.get(r.block)
    if (!list) this.byBlock.set(r.block, [r.lsn])
    else {
      let i = list.length
      while (i > 0 && list[i - 1] > r.lsn) i--
      list.splice(i, 0, r.lsn)
    }
    this.bytes += encodedSize(r)
    this.advance()
  }

  private advance(): void {
    for (let next = this.nextByPrev.get(this.scl); next !== undefined; next = this.nextByPrev.get(this.scl)) this.scl = next
  }

  /** Records with after < lsn ≤ upTo, ascending. */
  recordsBetween(after: number, upTo: number): LogRecord[] {
    const out: LogRecord[] = []
    for (const r of this.records.values()) if (r.lsn > after && r.lsn <= upTo) out.push(r)
    return out.sort((a, b) => a.lsn - b.lsn)
  }

  /** LSNs of the records of `block` with after < lsn ≤ upTo, ascending. */
  blockRecords(block: number, after: number, upTo: number): LogRecord[] {
    const list = this.byBlock.get(block)
    if (!list) return []
    const out: LogRecord[] = []
    for (const lsn of list) if (lsn > after && lsn <= upTo) out.push(this.records.get(lsn)!)
    return out
  }

  maxLsn(): number {
    let max = this.scl
    for (const lsn of this.records.keys()) if (lsn > max) max = lsn
    return max
  }

  /**
   * Discards records above `after` written before `epoch`: recovery's truncation range,
   * or a rewind made permanent. Records of the new epoch (which may reuse LSNs that were
   * never durable) are kept.
   */
  truncateRange(after: number, epoch: number): void {
    for (const r of [...this.records.values()]) if (r.lsn > after && r.epoch < epoch) this.remove(r)
    if (this.scl > after) {
      this.scl = this.floorChainEnd(after)
      this.advance()
    }
  }

  /** After a truncation the chain resumes at the highest remaining record ≤ lsn (or the floor). */
  private floorChainEnd(lsn: number): number {
    let end = 0
    for (const r of this.records.values()) if (r.lsn <= lsn && r.lsn > end) end = r.lsn
    return Math.max(end, this.floorRecordLsn)
  }

  /**
   * Takes the group's folded pages as its own up to `lsn` (a page transfer from peers):
   * drops records below and resumes its chain at the last folded record.
   */
  adoptFloor(lsn: number, lastRecordLsn: number): void {
    if (lsn <= this.floor) return
    this.dropThrough(lsn)
    this.floor = lsn
    this.floorRecordLsn = lastRecordLsn
    if (this.scl < lastRecordLsn) this.scl = lastRecordLsn
    this.advance()
    this.compact()
  }

  /** Drops every record ≤ lsn in one pass (coalescing folds thousands at a time). */
  private dropThrough(lsn: number): void {
    const blocks = new Set<number>()
    for (const r of this.records.values()) {
      if (r.lsn > lsn) continue
      this.records.delete(r.lsn)
      if (this.nextByPrev.get(r.prevPgLsn) === r.lsn) this.nextByPrev.delete(r.prevPgLsn)
      this.bytes -= encodedSize(r)
      blocks.add(r.block)
    }
    for (const block of blocks) {
      const kept = this.byBlock.get(block)!.filter((l) => l > lsn)
      if (kept.length === 0) this.byBlock.delete(block)
      else this.byBlock.set(block, kept)
    }
  }

  /** Rewrites the file once folded records make up most of it. */
  private compact(): void {
    if (this.log && this.log.fileBytes > 2 * this.bytes + 1024 * 1024) this.log.rewrite([...this.records.values()].sort((a, b) => a.lsn - b.lsn))
  }

  private remove(r: LogRecord): void {
    this.records.delete(r.lsn)
    if (this.nextByPrev.get(r.prevPgLsn) === r.lsn) this.nextByPrev.delete(r.prevPgLsn)
    const list = this.byBlock.get(r.block)!
    list.splice(list.indexOf(r.lsn), 1)
    if (list.length === 0) this.byBlock.delete(r.block)
    this.bytes -= encodedSize(r)
  }

  /** The segment's data is destroyed (disk or node lost): it must be rebuilt elsewhere. */
  lose(): void {
    this.state = 'lost'
    this.log?.remove()
    for (const r of [...this.records.values()]) this.remove(r)
    this.scl = 0
    this.floor = 0
    this.floorRecordLsn = 0
  }
}
