import {describe, expect, it} from 'vitest'

import {ManualClock} from '../../src/lib/emulator/clock.js'
import {GlobalReplication} from '../../src/lib/emulator/global-replication.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import {StorageRegistry} from '../../src/lib/emulator/storage/registry.js'
import {DEFAULT_REPAIR, type Volume} from '../../src/lib/emulator/storage/volume.js'

// Cross-Region storage replication in process, on a manual clock: log records shipped over a link with latency,
// applied in order, held while the link is down; what a failover would lose, counted exactly.

const EAST = {region: 'us-east-1', volumeId: 'cluster-east'}
const WEST = {region: 'us-west-2', volumeId: 'cluster-west'}

function setup() {
  const clock = new ManualClock()
  const registry = new StorageRegistry({clock, repair: DEFAULT_REPAIR})
  const replication = new GlobalReplication(registry, clock, false)
  const prng = new Prng(9)
  const write = (volume: Volume, n = 1) => {
    let lsn = 0
    for (let i = 0; i < n; i++) {
      clock.advance(1)
      lsn = volume.commit([{block: prng.int(32), ranges: [{offset: prng.int(8000), bytes: Uint8Array.from({length: 40}, () => prng.int(256))}]}])
    }
    return lsn
  }
  return {clock, registry, replication, write, east: registry.volume(EAST.region, EAST.volumeId), west: () => registry.volume(WEST.region, WEST.volumeId)}
}

describe('global replication', () => {
  it('copies the primary, then applies every commit after the link latency, in order', () => {
    const {clock, replication, write, east, west} = setup()
    write(east, 20)
    replication.attach(EAST, WEST, {copy: true})
    expect(west().contentChecksum().crc32).toBe(east.contentChecksum().crc32)
    replication.setLink('us-east-1', 'us-west-2', {latencyMs: 50})
    // Changing one property of a link keeps the other.
    expect(replication.setLink('us-east-1', 'us-west-2', {latencyMs: undefined, up: true})).toMatchObject({latencyMs: 50, up: true})
    write(east, 10)
    expect(replication.status(WEST)).toMatchObject({linkUp: true})
    expect(replication.status(WEST).lagLsn).toBeGreaterThan(0)
    clock.advance(49)
    replication.pump()
    expect(west().contentChecksum().crc32).not.toBe(east.contentChecksum().crc32)
    clock.advance(1)
    replication.pump()
    expect(west().contentChecksum().crc32).toBe(east.contentChecksum().crc32)
    expect(replication.status(WEST)).toEqual({lagLsn: 0, lagMs: 0, linkUp: true})
    const [report] = replication.report()
    // The log, not pages: a 40-byte change ships as one small record.
    expect(report.bytesShipped / report.commitsShipped).toBeLessThan(1024)
    expect(report.commitsShipped).toBe(10)
  })

  it('holds shipments while the link is down, counts what a failover would lose, and catches up when it is back', () => {
    const {clock, replication, write, east, west} = setup()
    write(east, 5)
    replication.attach(EAST, WEST, {copy: true})
    const before = west().contentChecksum().crc32
    replication.setLink('us-east-1', 'us-west-2', {up: false})
    const first = write(east, 1)
    const last = write(east, 6)
    clock.advance(1000)
    replication.pump()
    expect(west().contentChecksum().crc32).toBe(before)
    expect(replication.unreplicated(WEST)).toEqual({commits: 7, fromLsn: first, toLsn: last})
    expect(replication.status(WEST)).toMatchObject({linkUp: false, lagMs: 1006})
    replication.setLink('us-east-1', 'us-west-2', {up: true})
    replication.pump()
    expect(west().contentChecksum().crc32).toBe(before)
    clock.advance(1000)
    replication.pump()
    expect(west().contentChecksum().crc32).toBe(east.contentChecksum().crc32)
    expect(replication.unreplicated(WEST)).toEqual({commits: 0})
  })

  it('waits for a primary with no data yet, then starts from its first image; detach stops shipping', () => {
    const {clock, replication, write, east, west} = setup()
    replication.attach(EAST, WEST, {copy: true})
    expect(replication.report()[0].initialising).toBe(true)
    write(east, 3)
    clock.advance(1000)
    replication.pump()
    expect(west().contentChecksum().crc32).toBe(east.contentChecksum().crc32)
    // A switchover: the primary has stopped writing and the secondary caught up, so the reverse direction
    // starts from the same content, without a copy.
    replication.detach(WEST)
    replication.attach(WEST, EAST, {copy: false})
    write(west(), 2)
    clock.advance(1000)
    replication.pump()
    expect(east.contentChecksum().crc32).toBe(west().contentChecksum().crc32)
    replication.detach(EAST)
    const detached = east.contentChecksum().crc32
    write(west(), 3)
    clock.advance(1000)
    replication.pump()
    expect(east.contentChecksum().crc32).toBe(detached)
  })
})
