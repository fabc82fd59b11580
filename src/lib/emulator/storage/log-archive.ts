import fs from 'node:fs'
import path from 'node:path'

import {writeFileAtomic} from './files.js'
import {decodeRecord, encodeRecord, type LogRecord} from './record.js'

interface Entry {
  lsn: number
  offset: number
  length: number
  /** Kept in memory when the archive has no file. */
  record?: LogRecord
}

/**
 * A volume's continuous backup: every log record coalescing folds away is archived here first (Aurora ships its
 * log to S3), in the backup store under the state directory, apart from the storage nodes' segments. With a
 * volume image kept at an older point (an automated snapshot's pin), it rebuilds the volume as of any LSN since.
 * On disk: checksummed record frames appended in fold order, and the LSN below which it was trimmed.
 */
export class LogArchive {
  private readonly byBlock = new Map<number, Entry[]>()
  private fd?: number
  private bytes = 0
  /** Every folded record above this LSN is here: records at or below it were trimmed (or predate the archive). */
  private from = 0

  constructor(private readonly directory?: string, from = 0) {
    this.from = from
    if (!directory) return
    fs.mkdirSync(directory, {recursive: true})
    const meta = this.metaPath()
    if (fs.existsSync(meta)) this.from = (JSON.parse(fs.readFileSync(meta, 'utf8')) as {from: number}).from
    else writeFileAtomic(meta, JSON.stringify({from: this.from}))
    this.load()
  }

  private metaPath(): string {
    return path.join(this.directory!, 'archive.json')
  }

  private logPath(): string {
    return path.join(this.directory!, 'archive.log')
  }

  /** Reads the archive back, cutting off a torn tail. */
  private load(): void {
    const file = this.logPath()
    const buf = fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : new Uint8Array()
    let at = 0
    for (let next = decodeRecord(buf, at); next; next = decodeRecord(buf, at)) {
      if (next.record.lsn > this.from) this.index(next.record.block, {lsn: next.record.lsn, offset: at, length: next.next - at})
      at = next.next
    }
    if (at < buf.length) fs.truncateSync(file, at)
    this.fd = fs.openSync(file, 'a+')
    this.bytes = at
  }

  /** The LSN the archive reaches back to: it can rebuild any point above it from an image at or above it. */
  get start(): number {
    return this.from
  }

  private index(block: number, entry: Entry): void {
    const list = this.byBlock.get(block) ?? []
    // A fold repeated after a crash archives its records again: keep one of each.
    if (list.some((e) => e.lsn === entry.lsn)) return
    list.push(entry)
    if (list.length > 1 && list[list.length - 2].lsn > entry.lsn) list.sort((a, b) => a.lsn - b.lsn)
    this.byBlock.set(block, list)
  }

  /** Archives records about to be folded; written before the fold lets segments drop them. */
  append(records: readonly LogRecord[]): void {
    for (const r of records) {
      if (r.lsn <= this.from) continue
      if (this.fd === undefined) {
        this.index(r.block, {lsn: r.lsn, offset: 0, length: 0, record: r})
        continue
      }
      const frame = encodeRecord(r)
      fs.writeSync(this.fd, frame)
      this.index(r.block, {lsn: r.lsn, offset: this.bytes, length: frame.length})
      this.bytes += frame.length
    }
  }

  /** The archived records of `block` with after < lsn ≤ upTo, ascending. */
  blockRecords(block: number, after: number, upTo: number): LogRecord[] {
    const out: LogRecord[] = []
    for (const e of this.byBlock.get(block) ?? []) {
      if (e.lsn <= after || e.lsn > upTo) continue
      out.push(e.record ?? this.read(e))
    }
    return out
  }

  private read(e: Entry): LogRecord {
    const buf = new Uint8Array(e.length)
    fs.readSync(this.fd!, buf, 0, e.length, e.offset)
    const decoded = decodeRecord(buf, 0)
    if (!decoded) throw new Error(`archive record at LSN ${e.lsn} is corrupt`)
    return decoded.record
  }

  /** Blocks with archived records above `after`. */
  blocks(after: number): number[] {
    return [...this.byBlock].filter(([, list]) => list.some((e) => e.lsn > after)).map(([block]) => block)
  }

  /** Forgets records at or below `lsn` (the oldest backup image moved past them). */
  trimTo(lsn: number): void {
    if (lsn <= this.from) return
    this.from = lsn
    const kept: LogRecord[] = []
    for (const list of this.byBlock.values()) for (const e of list) if (e.lsn > lsn) kept.push(e.record ?? this.read(e))
    kept.sort((a, b) => a.lsn - b.lsn)
    this.byBlock.clear()
    if (this.fd === undefined) {
      for (const r of kept) this.index(r.block, {lsn: r.lsn, offset: 0, length: 0, record: r})
      return
    }
    const frames = kept.map(encodeRecord)
    const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0))
    let at = 0
    for (const [i, f] of frames.entries()) {
      all.set(f, at)
      this.index(kept[i].block, {lsn: kept[i].lsn, offset: at, length: f.length})
      at += f.length
    }
    // The new start is recorded first: a crash before the log is replaced leaves records it no longer claims.
    writeFileAtomic(this.metaPath(), JSON.stringify({from: lsn}))
    fs.closeSync(this.fd)
    writeFileAtomic(this.logPath(), all)
    this.fd = fs.openSync(this.logPath(), 'a+')
    this.bytes = all.length
  }

  get fileBytes(): number {
    return this.bytes
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd)
    this.fd = undefined
  }

  /** Deletes the archive (its volume is gone). */
  remove(): void {
    this.close()
    if (this.directory) fs.rmSync(this.directory, {recursive: true, force: true})
  }
}
