import {crc32} from './checksum.js'
import {BLOCK_SIZE} from './geometry.js'

/** Changed bytes of one block: what a record ships instead of the whole page. */
export interface ByteRange {
  offset: number
  bytes: Uint8Array
}

/**
 * A redo log record. LSNs are allocated by the single writer; `prevLsn` links the
 * volume's chain, `prevPgLsn` the chain within the record's protection group
 * (which is how a segment knows it has no gaps: its SCL).
 */
export interface LogRecord {
  lsn: number
  prevLsn: number
  prevPgLsn: number
  pg: number
  block: number
  ranges: ByteRange[]
  /** The last record of a mini-transaction: a consistency point (CPL). */
  cpl: boolean
  /** Commit time (ms since the epoch) of the transaction this record belongs to. */
  timestamp: number
  /** The volume epoch of the writer that sent it; segments refuse stale epochs. */
  epoch: number
  checksum: number
}

const HEADER_BYTES = 8 * 5 + 4 * 3 + 1
/** Framing on disk: [u32 payload length][u32 crc of payload][payload]. */
export const FRAME_OVERHEAD = 8

function writeHeader(view: DataView, r: Omit<LogRecord, 'checksum' | 'ranges'>, rangeCount: number): void {
  view.setFloat64(0, r.lsn)
  view.setFloat64(8, r.prevLsn)
  view.setFloat64(16, r.prevPgLsn)
  view.setFloat64(24, r.block)
  view.setFloat64(32, r.timestamp)
  view.setUint32(40, r.pg)
  view.setUint32(44, r.epoch)
  view.setUint32(48, rangeCount)
  view.setUint8(52, r.cpl ? 1 : 0)
}

function payloadLength(ranges: readonly ByteRange[]): number {
  return HEADER_BYTES + ranges.reduce((n, r) => n + 8 + r.bytes.length, 0)
}

/** Serialises a record's content (everything but the checksum). */
function payload(r: Omit<LogRecord, 'checksum'>): Uint8Array {
  const out = new Uint8Array(payloadLength(r.ranges))
  const view = new DataView(out.buffer)
  writeHeader(view, r, r.ranges.length)
  let at = HEADER_BYTES
  for (const range of r.ranges) {
    view.setUint32(at, range.offset)
    view.setUint32(at + 4, range.bytes.length)
    out.set(range.bytes, at + 8)
    at += 8 + range.bytes.length
  }
  return out
}

/**
 * Each record's framed bytes, serialised once: every copy sent to a segment, checked
 * and written to its file is these bytes, as one redo record goes over the wire once.
 */
const frames = new WeakMap<LogRecord, Uint8Array>()

function frame(r: LogRecord, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_OVERHEAD + body.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, body.length)
  view.setUint32(4, r.checksum)
  out.set(body, FRAME_OVERHEAD)
  frames.set(r, out)
  return out
}

export function withChecksum(r: Omit<LogRecord, 'checksum'>): LogRecord {
  const body = payload(r)
  const record = {...r, checksum: crc32(body)}
  frame(record, body)
  return record
}

/** Whether the record's content matches its checksum (a copy that was damaged does not). */
export function checksumValid(r: LogRecord): boolean {
  const known = frames.get(r)
  const body = known ? known.subarray(FRAME_OVERHEAD) : payload(r)
  return crc32(body) === r.checksum
}

/** Bytes a record occupies in one segment's file: the cost of shipping it to one copy. */
export function encodedSize(r: LogRecord): number {
  return FRAME_OVERHEAD + payloadLength(r.ranges)
}

export function encodeRecord(r: LogRecord): Uint8Array {
  return frames.get(r) ?? frame(r, payload(r))
}

/**
 * Decodes the record framed at `offset`, or returns undefined for a torn or corrupt
 * frame (short, or its checksum does not match): the tail a crash may leave.
 */
export function decodeRecord(buf: Uint8Array, offset: number): {record: LogRecord; next: number} | undefined {
  if (offset + FRAME_OVERHEAD > buf.length) return undefined
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const length = view.getUint32(offset)
  const checksum = view.getUint32(offset + 4)
  const start = offset + FRAME_OVERHEAD
  if (length < HEADER_BYTES || start + length > buf.length) return undefined
  const body = buf.subarray(start, start + length)
  if (crc32(body) !== checksum) return undefined
  const b = new DataView(body.buffer, body.byteOffset, body.byteLength)
  const ranges: ByteRange[] = []
  let at = HEADER_BYTES
  const count = b.getUint32(48)
  for (let i = 0; i < count; i++) {
    const rangeOffset = b.getUint32(at)
    const size = b.getUint32(at + 4)
    ranges.push({offset: rangeOffset, bytes: body.slice(at + 8, at + 8 + size)})
    at += 8 + size
  }
  const record: LogRecord = {
    lsn: b.getFloat64(0),
    prevLsn: b.getFloat64(8),
    prevPgLsn: b.getFloat64(16),
    block: b.getFloat64(24),
    timestamp: b.getFloat64(32),
    pg: b.getUint32(40),
    epoch: b.getUint32(44),
    cpl: b.getUint8(52) === 1,
    ranges,
    checksum,
  }
  frames.set(record, buf.slice(offset, start + length))
  return {record, next: start + length}
}

export function applyRanges(page: Uint8Array, ranges: readonly ByteRange[]): void {
  for (const r of ranges) page.set(r.bytes, r.offset)
}

/** Gaps shorter than this between changed bytes are shipped rather than split into two ranges. */
const MERGE_GAP = 16

/** The byte ranges in which `after` differs from `before` (a zero page when undefined). */
export function diffRanges(before: Uint8Array | undefined, after: Uint8Array): ByteRange[] {
  const ranges: ByteRange[] = []
  const length = Math.min(after.length, BLOCK_SIZE)
  let i = 0
  while (i < length) {
    if ((before ? before[i] : 0) === after[i]) {
      i++
      continue
    }
    const start = i
    let end = i + 1
    let same = 0
    for (let j = end; j < length && same < MERGE_GAP; j++) {
      if ((before ? before[j] : 0) === after[j]) same++
      else {
        same = 0
        end = j + 1
      }
    }
    ranges.push({offset: start, bytes: after.slice(start, end)})
    i = end
  }
  return ranges
}
