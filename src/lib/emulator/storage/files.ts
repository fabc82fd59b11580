import fs from 'node:fs'
import path from 'node:path'

import {crc32} from './checksum.js'
import {BLOCK_SIZE} from './geometry.js'
import type {PageVersion} from './page-store.js'
import {decodeRecord, encodeRecord, type LogRecord} from './record.js'

/** Where one segment persists what it receives: appended and flushed to the OS before it acknowledges. */
export interface SegmentLog {
  append(record: LogRecord): void
  /** Replaces the file with exactly these records (compaction after coalescing). */
  rewrite(records: Iterable<LogRecord>): void
  remove(): void
  readonly fileBytes: number
}

/** Writes a file so that a crash leaves either the old or the new content, never a mix. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`
  const fd = fs.openSync(tmp, 'w')
  try {
    if (typeof data === 'string') fs.writeSync(fd, data)
    else fs.writeSync(fd, data)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
}

/** A file written only at its end, or replaced whole (atomically), with its size tracked. */
class AppendOnlyFile {
  private fd: number
  private bytes: number

  constructor(private readonly file: string) {
    this.fd = fs.openSync(file, 'a')
    this.bytes = fs.fstatSync(this.fd).size
  }

  get size(): number {
    return this.bytes
  }

  append(data: Uint8Array): void {
    fs.writeSync(this.fd, data)
    this.bytes += data.length
  }

  replace(data: Uint8Array): void {
    fs.closeSync(this.fd)
    writeFileAtomic(this.file, data)
    this.fd = fs.openSync(this.file, 'a')
    this.bytes = data.length
  }

  remove(): void {
    fs.closeSync(this.fd)
    fs.rmSync(this.file, {force: true})
    this.fd = fs.openSync(this.file, 'a')
    this.bytes = 0
  }

  close(): void {
    fs.closeSync(this.fd)
  }
}

class SegmentLogFile implements SegmentLog {
  private readonly file: AppendOnlyFile

  constructor(path: string) {
    this.file = new AppendOnlyFile(path)
  }

  get fileBytes(): number {
    return this.file.size
  }

  append(record: LogRecord): void {
    this.file.append(encodeRecord(record))
  }

  rewrite(records: Iterable<LogRecord>): void {
    this.file.replace(concat([...records].map(encodeRecord)))
  }

  remove(): void {
    this.file.remove()
  }

  close(): void {
    this.file.close()
  }
}

/**
 * Reads a segment's file: every whole, checksummed record up to the first torn or
 * corrupt frame, which (with everything after it) is cut off — the tail a crash leaves.
 */
export function readSegmentLog(file: string): {records: LogRecord[]; discardedBytes: number} {
  if (!fs.existsSync(file)) return {records: [], discardedBytes: 0}
  const buf = new Uint8Array(fs.readFileSync(file))
  const records: LogRecord[] = []
  let at = 0
  for (let next = decodeRecord(buf, at); next; next = decodeRecord(buf, at)) {
    records.push(next.record)
    at = next.next
  }
  if (at < buf.length) fs.truncateSync(file, at)
  return {records, discardedBytes: buf.length - at}
}

const PAGE_FRAME_HEADER = 4 + 4 + 8 + 8

/**
 * A protection group's materialised pages, as an append-only file of checksummed page
 * images: each coalescing appends the versions it produced, then a marker with the
 * LSN folded through. Reading keeps what the last complete marker covers.
 */
export class PageFile {
  private readonly file: AppendOnlyFile

  constructor(path: string) {
    this.file = new AppendOnlyFile(path)
  }

  get fileBytes(): number {
    return this.file.size
  }

  /** Appends changed versions and the marker (`lsn`, `lastRecordLsn`); the marker makes them count. */
  append(versions: Iterable<[number, PageVersion]>, lsn: number, lastRecordLsn: number): void {
    const frames: Uint8Array[] = []
    for (const [block, v] of versions) frames.push(pageFrame(block, v.lsn, v.image))
    frames.push(pageFrame(-1, lsn, encodeMarker(lastRecordLsn)))
    this.file.append(concat(frames))
  }

  /** Replaces the file with the full current state (compaction). */
  rewrite(pages: Iterable<[number, PageVersion[]]>, lsn: number, lastRecordLsn: number): void {
    const frames: Uint8Array[] = []
    for (const [block, list] of pages) for (const v of list) frames.push(pageFrame(block, v.lsn, v.image))
    frames.push(pageFrame(-1, lsn, encodeMarker(lastRecordLsn)))
    this.file.replace(concat(frames))
  }

  close(): void {
    this.file.close()
  }

  static read(file: string): {lsn: number; lastRecordLsn: number; pages: Map<number, PageVersion[]>} {
    const pages = new Map<number, PageVersion[]>()
    let lsn = 0
    let lastRecordLsn = 0
    if (!fs.existsSync(file)) return {lsn, lastRecordLsn, pages}
    const buf = new Uint8Array(fs.readFileSync(file))
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    let pendingVersions: [number, PageVersion][] = []
    let at = 0
    let committedAt = 0
    while (at + PAGE_FRAME_HEADER <= buf.length) {
      const length = view.getUint32(at)
      const checksum = view.getUint32(at + 4)
      const end = at + PAGE_FRAME_HEADER + length
      if (end > buf.length) break
      const body = buf.subarray(at + 8, end)
      if (crc32(body) !== checksum) break
      const block = view.getFloat64(at + 8)
      const versionLsn = view.getFloat64(at + 16)
      const data = buf.slice(at + PAGE_FRAME_HEADER, end)
      if (block === -1) {
        for (const [b, v] of pendingVersions) addVersion(pages, b, v)
        pendingVersions = []
        lsn = versionLsn
        lastRecordLsn = new DataView(data.buffer).getFloat64(0)
        committedAt = end
      } else {
        pendingVersions.push([block, {lsn: versionLsn, image: data}])
      }
      at = end
    }
    if (committedAt < buf.length) fs.truncateSync(file, committedAt)
    return {lsn, lastRecordLsn, pages}
  }
}

function addVersion(pages: Map<number, PageVersion[]>, block: number, version: PageVersion): void {
  const list = pages.get(block) ?? []
  const same = list.findIndex((v) => v.lsn === version.lsn)
  if (same >= 0) list[same] = version
  else {
    list.push(version)
    list.sort((a, b) => a.lsn - b.lsn)
  }
  pages.set(block, list)
}

function encodeMarker(lastRecordLsn: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setFloat64(0, lastRecordLsn)
  return out
}

function pageFrame(block: number, lsn: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(PAGE_FRAME_HEADER + data.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, data.length)
  view.setFloat64(8, block)
  view.setFloat64(16, lsn)
  out.set(data, PAGE_FRAME_HEADER)
  view.setUint32(4, crc32(out.subarray(8)))
  return out
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

/** The files of one volume under the state directory. */
export class VolumeDirectory {
  private readonly logs = new Map<string, SegmentLogFile>()
  private readonly pageFiles = new Map<number, PageFile>()

  constructor(readonly dir: string) {
    fs.mkdirSync(dir, {recursive: true})
  }

  segmentLogPath(segmentId: string): string {
    return path.join(this.dir, `${segmentId}.log`)
  }

  segmentLog(segmentId: string): SegmentLog {
    let log = this.logs.get(segmentId)
    if (!log) {
      log = new SegmentLogFile(this.segmentLogPath(segmentId))
      this.logs.set(segmentId, log)
    }
    return log
  }

  pagesPath(pg: number): string {
    return path.join(this.dir, `pg${pg}.pages`)
  }

  pageFile(pg: number): PageFile {
    let file = this.pageFiles.get(pg)
    if (!file) {
      file = new PageFile(this.pagesPath(pg))
      this.pageFiles.set(pg, file)
    }
    return file
  }

  metaPath(): string {
    return VolumeDirectory.metaPathIn(this.dir)
  }

  static metaPathIn(dir: string): string {
    return path.join(dir, 'volume.json')
  }

  cplPath(): string {
    return path.join(this.dir, 'cpl.bin')
  }

  close(): void {
    for (const log of this.logs.values()) log.close()
    for (const file of this.pageFiles.values()) file.close()
    this.logs.clear()
    this.pageFiles.clear()
  }
}

const CPL_ENTRY = 20

/**
 * Consistency points folded into pages (LSN and commit time), appended as checksummed
 * 20-byte entries: the time → LSN map that outlives the log records it came from.
 */
export class ConsistencyPointFile {
  static append(file: string, lsns: readonly number[], times: readonly number[], from: number): void {
    if (from >= lsns.length) return
    const out = new Uint8Array((lsns.length - from) * CPL_ENTRY)
    const view = new DataView(out.buffer)
    for (let i = from, at = 0; i < lsns.length; i++, at += CPL_ENTRY) {
      view.setFloat64(at, lsns[i])
      view.setFloat64(at + 8, times[i])
      view.setUint32(at + 16, crc32(out.subarray(at, at + 16)))
    }
    fs.appendFileSync(file, out)
  }

  /** Every whole entry; a torn or damaged tail is cut off. */
  static read(file: string): {lsns: number[]; times: number[]} {
    const lsns: number[] = []
    const times: number[] = []
    if (!fs.existsSync(file)) return {lsns, times}
    const buf = new Uint8Array(fs.readFileSync(file))
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    let at = 0
    for (; at + CPL_ENTRY <= buf.length; at += CPL_ENTRY) {
      if (crc32(buf.subarray(at, at + 16)) !== view.getUint32(at + 16)) break
      lsns.push(view.getFloat64(at))
      times.push(view.getFloat64(at + 8))
    }
    if (at < buf.length) fs.truncateSync(file, at)
    return {lsns, times}
  }
}

/**
 * A clone's kept parent pages (see Volume.rebase): `[f64 block][page]` entries and a trailing crc32 of them all,
 * replaced whole. A file whose checksum does not match was never completely written: none of it is used.
 */
export function writeOverlay(file: string, pages: ReadonlyMap<number, Uint8Array>): void {
  const entry = 8 + BLOCK_SIZE
  const out = new Uint8Array(pages.size * entry + 4)
  const view = new DataView(out.buffer)
  let at = 0
  for (const [block, image] of pages) {
    view.setFloat64(at, block)
    out.set(image, at + 8)
    at += entry
  }
  view.setUint32(at, crc32(out.subarray(0, at)))
  writeFileAtomic(file, out)
}

export function readOverlay(file: string): Map<number, Uint8Array> {
  const pages = new Map<number, Uint8Array>()
  if (!fs.existsSync(file)) return pages
  const buf = new Uint8Array(fs.readFileSync(file))
  const entry = 8 + BLOCK_SIZE
  const body = buf.length - 4
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  if (body < 0 || body % entry !== 0 || view.getUint32(body) !== crc32(buf.subarray(0, body))) return pages
  for (let at = 0; at < body; at += entry) pages.set(view.getFloat64(at), buf.slice(at + 8, at + entry))
  return pages
}
