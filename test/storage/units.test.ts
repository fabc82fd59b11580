import {describe, expect, it} from 'vitest'

import {ManualClock} from '../../src/lib/emulator/clock.js'
import {StorageFleet} from '../../src/lib/emulator/storage/fleet.js'
import {BLOCKS_PER_PROTECTION_GROUP, durableLsn, quorumPoint, volumeCompleteLsn} from '../../src/lib/emulator/storage/geometry.js'
import {decodeRecord, diffRanges, encodeRecord, withChecksum} from '../../src/lib/emulator/storage/record.js'
import {Segment} from '../../src/lib/emulator/storage/segment.js'
import {StorageUnavailable, Volume} from '../../src/lib/emulator/storage/volume.js'

const bytes = (...values: number[]) => Uint8Array.from(values)

/** Folding after every tick (foldAfterBytes 0) so coalescing is exercised by small tests. */
function newVolume(id = 'v') {
  const clock = new ManualClock()
  const fleet = new StorageFleet('us-east-1')
  return {clock, fleet, volume: new Volume({id, fleet, clock, foldAfterBytes: 0})}
}

describe('quorum arithmetic and consistency points (AURORA_FACTS §1 worked examples)', () => {
  it('PGCL is the 4th highest SCL of six', () => {
    expect(quorumPoint([110, 108, 105, 104, 90, 0], 4)).toBe(104)
    expect(quorumPoint([110, 108, 105, 0, 0, 0], 4)).toBe(0)
    expect(quorumPoint([7, 7, 7], 4)).toBe(0)
  })

  it('VCL: PG1 complete to 103 and PG2 to 104, PG1 waiting on 105 → 104', () => {
    expect(volumeCompleteLsn(105, [105])).toBe(104)
    expect(volumeCompleteLsn(104, [])).toBe(104)
  })

  it('VDL: complete to 1007 with CPLs 900, 1000, 1100 → 1000', () => {
    expect(durableLsn([900, 1000, 1100], 1007)).toBe(1000)
    expect(durableLsn([900, 1000, 1100], 899)).toBe(0)
    expect(durableLsn([900, 1000, 1100], 1100)).toBe(1100)
  })
})

describe('log records', () => {
  const record = withChecksum({lsn: 7, prevLsn: 6, prevPgLsn: 3, pg: 0, block: 42, ranges: [{offset: 100, bytes: bytes(1, 2, 3)}], cpl: true, timestamp: 1234, epoch: 2})

  it('round-trips through their on-disk framing', () => {
    const decoded = decodeRecord(encodeRecord(record), 0)
    expect(decoded?.record).toEqual(record)
  })

  it('detects a torn or corrupt tail by checksum', () => {
    const encoded = encodeRecord(record)
    expect(decodeRecord(encoded.subarray(0, encoded.length - 1), 0)).toBeUndefined()
    const corrupt = encoded.slice()
    corrupt[corrupt.length - 2] ^= 0xff
    expect(decodeRecord(corrupt, 0)).toBeUndefined()
  })

  it('ships only the changed bytes of a page', () => {
    const before = new Uint8Array(8192)
    const after = before.slice()
    after.set(bytes(9, 9, 9, 9), 4000)
    after[6000] = 1
    const ranges = diffRanges(before, after)
    expect(ranges.map((r) => [r.offset, r.bytes.length])).toEqual([[4000, 4], [6000, 1]])
  })
})

describe('a segment', () => {
  const fleet = new StorageFleet('us-east-1')
  const rec = (lsn: number, prevPgLsn: number, epoch = 1) =>
    withChecksum({lsn, prevLsn: lsn - 1, prevPgLsn, pg: 0, block: 0, ranges: [{offset: 0, bytes: bytes(lsn)}], cpl: true, timestamp: lsn, epoch})

  it('advances its SCL only over a gap-free chain, and fills the gap later', () => {
    const s = new Segment('s', 0, fleet.nodes[0])
    expect(s.receive(rec(1, 0))).toEqual({ok: true, scl: 1})
    expect(s.receive(rec(3, 2))).toEqual({ok: true, scl: 1})
    expect(s.receive(rec(2, 1))).toEqual({ok: true, scl: 3})
  })

  it('refuses a writer of an older epoch (fencing) but takes a peer copy', () => {
    const s = new Segment('s', 0, fleet.nodes[0])
    s.epoch = 2
    expect(s.receive(rec(1, 0, 1))).toEqual({ok: false, reason: 'stale-epoch'})
    expect(s.receive(rec(1, 0, 1), 'peer')).toEqual({ok: true, scl: 1})
  })

  it('refuses a record whose checksum does not match', () => {
    const s = new Segment('s', 0, fleet.nodes[0])
    const bad = {...rec(1, 0), checksum: 1}
    expect(s.receive(bad)).toEqual({ok: false, reason: 'corrupt'})
  })
})

describe('the volume', () => {
  it('places six segments two per AZ on distinct nodes, named as AWS names AZs', () => {
    const {volume} = newVolume()
    volume.commit([{block: 0, ranges: [{offset: 0, bytes: bytes(1)}]}])
    const g = volume.protectionGroups[0]
    const azs = g.members.map((s) => s.node.az)
    expect(azs.sort()).toEqual(['us-east-1a', 'us-east-1a', 'us-east-1b', 'us-east-1b', 'us-east-1c', 'us-east-1c'])
    expect(new Set(g.members.map((s) => s.node.id)).size).toBe(6)
  })

  it('grows in 10 GiB protection groups as blocks are written', () => {
    const {volume} = newVolume()
    volume.commit([{block: 0, ranges: [{offset: 0, bytes: bytes(1)}]}])
    expect(volume.allocatedBytes()).toBe(10 * 1024 ** 3)
    volume.commit([{block: 2 * BLOCKS_PER_PROTECTION_GROUP + 5, ranges: [{offset: 0, bytes: bytes(1)}]}])
    expect(volume.protectionGroups).toHaveLength(3)
    expect(volume.allocatedBytes()).toBe(30 * 1024 ** 3)
  })

  it('keeps writing with an AZ down (4/6), refuses with one more node down, reads on (3/6), and heals', () => {
    const {volume, fleet} = newVolume()
    volume.commit([{block: 1, ranges: [{offset: 0, bytes: bytes(1)}]}])
    fleet.setAz('us-east-1a', false)
    const lsn = volume.commit([{block: 1, ranges: [{offset: 0, bytes: bytes(2)}]}])
    expect(volume.isDurable(lsn)).toBe(true)
    const other = volume.protectionGroups[0].members.find((s) => s.node.az === 'us-east-1b')!
    other.node.up = false
    const before = volume.vdl
    expect(() => volume.commit([{block: 1, ranges: [{offset: 0, bytes: bytes(3)}]}])).toThrow(StorageUnavailable)
    expect(volume.vdl).toBe(before)
    expect(volume.readBlock(1)[0]).toBe(2)
    fleet.setAz('us-east-1a', true)
    other.node.up = true
    volume.tick()
    const g = volume.protectionGroups[0]
    expect(g.members.every((s) => s.state === 'healthy' && s.scl === g.members[0].scl)).toBe(true)
    expect(volume.commit([{block: 1, ranges: [{offset: 0, bytes: bytes(4)}]}])).toBeGreaterThan(lsn)
  })

  it('rebuilds a lost segment on another node of its AZ through a membership change', () => {
    const {volume} = newVolume()
    volume.commit([{block: 3, ranges: [{offset: 0, bytes: bytes(7)}]}])
    const lost = volume.loseSegment(0)
    const epoch = volume.protectionGroups[0].membershipEpoch
    volume.tick()
    volume.tick()
    const g = volume.protectionGroups[0]
    expect(g.members).not.toContain(lost)
    const replacement = g.members.find((s) => s.node.az === lost.node.az && s.node.id !== lost.node.id && s.id.endsWith(s.node.id))!
    expect(replacement.state).toBe('healthy')
    expect(replacement.scl).toBe(volume.vdl)
    expect(g.membershipEpoch).toBe(epoch + 2)
  })

  it('recovers after the writer dies: nothing acknowledged lost, a new epoch fences the old writer', () => {
    const {volume} = newVolume()
    const acked = volume.commit([{block: 5, ranges: [{offset: 10, bytes: bytes(1, 2)}]}])
    const epoch = volume.currentEpoch
    volume.crashWriter()
    const {vdl, epoch: next} = volume.recover()
    expect(vdl).toBeGreaterThanOrEqual(acked)
    expect(next).toBe(epoch + 1)
    expect([...volume.readBlock(5).subarray(10, 12)]).toEqual([1, 2])
    const stale = withChecksum({lsn: 99, prevLsn: vdl, prevPgLsn: vdl, pg: 0, block: 5, ranges: [], cpl: true, timestamp: 0, epoch})
    expect(volume.protectionGroups[0].members[0].receive(stale)).toEqual({ok: false, reason: 'stale-epoch'})
  })

  it('maps times to consistency points, reads as of an LSN, rewinds and moves forward again', () => {
    const {volume, clock} = newVolume()
    const first = volume.commit([{block: 0, ranges: [{offset: 0, bytes: bytes(1)}]}])
    const t1 = clock.now()
    clock.advance(1000)
    const second = volume.commit([{block: 0, ranges: [{offset: 0, bytes: bytes(2)}]}])
    expect(volume.lsnAtTime(t1 + 500)).toBe(first)
    expect(volume.lsnAtTime(t1 - 1)).toBe(0)
    expect(volume.asOf(first).readBlock(0)[0]).toBe(1)
    volume.rewind(first)
    expect(volume.vdl).toBe(first)
    expect(volume.readBlock(0)[0]).toBe(1)
    volume.rewind(second)
    expect(volume.readBlock(0)[0]).toBe(2)
    volume.rewind(first)
    const third = volume.commit([{block: 0, ranges: [{offset: 0, bytes: bytes(3)}]}])
    expect(third).toBeGreaterThan(second)
    expect(() => volume.rewind(second)).toThrow(RangeError)
    expect(volume.readBlock(0)[0]).toBe(3)
  })

  it('checksums the content read back: equal for equal content, a clone equals its source at the branch point', () => {
    const {volume} = newVolume()
    for (let b = 0; b < 20; b++) volume.commit([{block: b, ranges: [{offset: b, bytes: bytes(b + 1)}]}])
    const at = volume.vdl
    const before = volume.contentChecksum()
    expect(before.blocks).toBe(20)
    const clone = volume.clone('copy', at)
    volume.commit([{block: 3, ranges: [{offset: 0, bytes: bytes(9)}]}])
    expect(volume.contentChecksum().crc32).not.toBe(before.crc32)
    expect(volume.contentChecksum(at)).toEqual(before)
    expect(clone.contentChecksum().crc32).toBe(before.crc32)
  })

  it('clones copy-on-write: O(1) to create, and the two diverge', () => {
    const {volume} = newVolume()
    for (let b = 0; b < 50; b++) volume.commit([{block: b, ranges: [{offset: 0, bytes: bytes(b)}]}])
    const clone = volume.clone('child')
    expect(clone.usedBytes()).toBe(0)
    clone.commit([{block: 7, ranges: [{offset: 1, bytes: bytes(99)}]}])
    volume.commit([{block: 8, ranges: [{offset: 1, bytes: bytes(77)}]}])
    expect([...clone.readBlock(7).subarray(0, 2)]).toEqual([7, 99])
    expect(clone.readBlock(8)[1]).toBe(0)
    expect(volume.readBlock(7)[1]).toBe(0)
    expect(volume.readBlock(8)[1]).toBe(77)
    expect(clone.recordCount()).toBe(1)
  })

  it('coalesces below the horizon and keeps what pins need', () => {
    const {volume} = newVolume()
    const a = volume.commit([{block: 0, ranges: [{offset: 0, bytes: bytes(1)}]}])
    volume.pins.pinPoint('snapshot', a)
    volume.commit([{block: 0, ranges: [{offset: 0, bytes: bytes(2)}]}])
    volume.tick()
    expect(volume.recordCount()).toBe(0)
    expect(volume.readBlock(0, a)[0]).toBe(1)
    expect(volume.readBlock(0)[0]).toBe(2)
    volume.releasePin('snapshot')
    expect(() => volume.readBlock(0, a)).toThrow(StorageUnavailable)
    // A range pin (a replica's read-point, a backtrack window) keeps every version above it.
    const b = volume.commit([{block: 0, ranges: [{offset: 0, bytes: bytes(3)}]}])
    volume.pins.pinRange('replica', b)
    volume.commit([{block: 0, ranges: [{offset: 0, bytes: bytes(4)}]}])
    volume.tick()
    expect(volume.readBlock(0, b)[0]).toBe(3)
    expect(volume.readBlock(0)[0]).toBe(4)
  })
})
