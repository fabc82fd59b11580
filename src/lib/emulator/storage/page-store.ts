import {BLOCK_SIZE} from './geometry.js'
import {applyRanges, type LogRecord} from './record.js'

/** A block's image after applying every record up to `lsn` (the last record that changed it). */
export interface PageVersion {
  lsn: number
  image: Uint8Array
}

/**
 * Materialised pages of one protection group: the log folded into page images up to
 * `lsn` (background coalescing, P17 §3.3 step 5). Older versions survive only where a
 * point pin (a snapshot or a clone's branch point) still needs them.
 */
export class PageStore {
  /** Every record of the group with an LSN ≤ this has been folded in. */
  lsn = 0
  /** The last record of the group folded in: where a caught-up segment's chain resumes. */
  lastRecordLsn = 0
  private readonly versions = new Map<number, PageVersion[]>()
  private bytes = 0

  /**
   * @param initial the image of a block never written here: zeros, or for a copy-on-write
   * clone the parent's page at the branch point.
   */
  constructor(private readonly initial: (block: number) => Uint8Array = () => new Uint8Array(BLOCK_SIZE)) {}

  /** The newest version with lsn ≤ `at`, or the initial image. */
  versionAt(block: number, at: number): PageVersion {
    const list = this.versions.get(block)
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) if (list[i].lsn <= at) return list[i]
    }
    return {lsn: 0, image: this.initial(block)}
  }

  blocks(): IterableIterator<number> {
    return this.versions.keys()
  }

  /** Bytes of page images held. */
  size(): number {
    return this.bytes
  }

  /**
   * Folds `records` (ascending, all ≤ `through`) into the pages. A version that a point
   * pin needs is kept and the change goes to a copy; otherwise the page changes in place.
   */
  fold(records: readonly LogRecord[], through: number, pointPins: readonly number[]): Set<number> {
    const touched = new Set<number>()
    for (const r of records) {
      touched.add(r.block)
      let list = this.versions.get(r.block)
      if (!list) {
        list = [{lsn: 0, image: this.initial(r.block).slice()}]
        this.versions.set(r.block, list)
        this.bytes += BLOCK_SIZE
      }
      const head = list[list.length - 1]
      if (pointPins.some((p) => p >= head.lsn && p < r.lsn) || head.lsn === 0) {
        const copy = head.image.slice()
        applyRanges(copy, r.ranges)
        if (head.lsn === 0 && !pointPins.some((p) => p < r.lsn)) list.pop()
        else this.bytes += BLOCK_SIZE
        list.push({lsn: r.lsn, image: copy})
      } else {
        applyRanges(head.image, r.ranges)
        head.lsn = r.lsn
      }
      this.lastRecordLsn = Math.max(this.lastRecordLsn, r.lsn)
    }
    this.lsn = Math.max(this.lsn, through)
    return touched
  }

  /** The versions of `block`, oldest first. */
  versionsOf(block: number): readonly PageVersion[] {
    return this.versions.get(block) ?? []
  }

  /** Drops versions no point pin needs any more (after a snapshot or clone is released). */
  prune(pointPins: readonly number[]): void {
    for (const [block, list] of this.versions) {
      const kept = list.filter((v, i) => i === list.length - 1 || pointPins.some((p) => p >= v.lsn && p < list[i + 1].lsn))
      this.bytes -= (list.length - kept.length) * BLOCK_SIZE
      this.versions.set(block, kept)
    }
  }

  /** Restores a folded state loaded from disk. */
  load(lsn: number, lastRecordLsn: number, pages: Iterable<[number, PageVersion[]]>): void {
    this.lsn = lsn
    this.lastRecordLsn = lastRecordLsn
    this.versions.clear()
    this.bytes = 0
    for (const [block, list] of pages) {
      this.versions.set(block, list)
      this.bytes += list.length * BLOCK_SIZE
    }
  }

  entries(): IterableIterator<[number, PageVersion[]]> {
    return this.versions.entries()
  }
}
