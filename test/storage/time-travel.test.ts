import fs from 'node:fs'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {ManualClock} from '../../src/lib/emulator/clock.js'
import {StorageFleet} from '../../src/lib/emulator/storage/fleet.js'
import {StorageRegistry} from '../../src/lib/emulator/storage/registry.js'
import {type BlockWrite, StorageUnavailable, Volume} from '../../src/lib/emulator/storage/volume.js'
import {tempDir} from '../helpers/process.js'

const REGION = 'us-east-1'
const REPAIR = {detectionDelayMs: 0, bytesPerSecond: Number.POSITIVE_INFINITY}
const homes: string[] = []
afterAll(() => {
  for (const dir of homes) fs.rmSync(dir, {recursive: true, force: true})
})
const newHome = (tag: string) => {
  const dir = tempDir(tag)
  homes.push(dir)
  return dir
}

/** A few hundred bytes that differ per block and per generation, at offsets spread over the page. */
function rows(block: number, generation: number): BlockWrite {
  const bytes = Uint8Array.from({length: 200}, (_, i) => (block * 31 + generation * 7 + i) % 251)
  return {block, ranges: [{offset: (block * 97) % 7000, bytes}, {offset: 8000, bytes: bytes.subarray(0, 100)}]}
}

function fill(volume: Volume, blocks: number[], generation: number, perCommit = 10): void {
  for (let i = 0; i < blocks.length; i += perCommit) volume.commit(blocks.slice(i, i + perCommit).map((b) => rows(b, generation)))
}

const range = (from: number, to: number) => Array.from({length: to - from}, (_, i) => from + i)

describe('time queries on a volume', () => {
  it('snaps a time to the last consistency point at or before it; the first point is the volume as created', () => {
    const clock = new ManualClock()
    const created = clock.now()
    const volume = new Volume({id: 'v', fleet: new StorageFleet(REGION), clock, foldAfterBytes: 0})
    expect(volume.consistencyPointAt(created - 1)).toBeUndefined()
    expect(volume.consistencyPointAt(created + 5)).toEqual({lsn: 0, time: created})
    clock.advance(1000)
    const a = volume.commit([rows(1, 1), rows(2, 1)])
    clock.advance(1000)
    const b = volume.commit([rows(1, 2)])
    expect(volume.consistencyPointAt(created + 1500)).toEqual({lsn: a, time: created + 1000})
    expect(volume.consistencyPointAt(created + 2000)).toEqual({lsn: b, time: created + 2000})
    expect(volume.lsnAtTime(created + 1999)).toBe(a)
    volume.rewind(a)
    // While rewound the kept points above VDL can still be found (to move forward again).
    expect(volume.consistencyPointAt(created + 2000)?.lsn).toBe(b)
  })

  it('refuses a point older than what coalescing kept, and points above VDL or between consistency points', () => {
    const clock = new ManualClock()
    const volume = new Volume({id: 'v', fleet: new StorageFleet(REGION), clock, foldAfterBytes: 0})
    const points: number[] = []
    for (let g = 1; g <= 4; g++) {
      clock.advance(1000)
      points.push(volume.commit([rows(g, g), rows(g + 10, g)]))
    }
    // A backtrack window or backup retention from the second point on: coalescing folds up to it only.
    volume.pins.pinRange('retention', points[1])
    volume.coalesce(true)
    expect(() => volume.assertRestorable(points[0])).toThrow(StorageUnavailable)
    expect(() => volume.assertRestorable(points[1])).not.toThrow()
    expect(volume.asOf(points[1]).readBlock(12)).toEqual(volume.asOf(points[3]).readBlock(12))
    expect(() => volume.assertRestorable(points[3] + 1)).toThrow(RangeError)
    expect(() => volume.assertRestorable(points[1] - 1)).toThrow(RangeError)
  })

  it('starts a clone’s points at its creation: it cannot go back before it', () => {
    const clock = new ManualClock()
    const source = new Volume({id: 'src', fleet: new StorageFleet(REGION), clock})
    const lsn = source.commit([rows(1, 1)])
    clock.advance(60_000)
    const clone = source.clone('child', lsn)
    expect(clone.consistencyPointAt(clock.now() - 1)).toBeUndefined()
    expect(clone.readBlock(1)).toEqual(source.readBlock(1))
  })
})

describe('restores: full copies and copy-on-write clones in the registry', () => {
  it('copies a volume, through its parent chain, as of an LSN: same content, independent, persisted', () => {
    const home = newHome('copy')
    const clock = new ManualClock()
    const registry = new StorageRegistry({home, clock, repair: REPAIR})
    const template = registry.template(REGION, 'image')
    fill(template, range(0, 50), 1)
    const source = registry.volume(REGION, 'source')
    source.adoptParent(template)
    // More than one copy batch and more than one fold's worth (4 MiB) of pages.
    fill(source, range(40, 700), 2, 50)
    const middle = source.vdl
    const expected = source.contentChecksum(middle)
    fill(source, range(0, 30), 3)
    expect(source.contentChecksum().crc32).not.toBe(expected.crc32)

    const copy = registry.copy(REGION, 'source', middle, 'restored')
    expect(copy.parentVolume).toBeUndefined()
    expect(copy.contentChecksum()).toEqual({...expected, readPoint: copy.vdl})
    expect(registry.volume(REGION, 'restored')).toBe(copy)
    const sourceNow = source.contentChecksum()
    const sourceBlock5 = source.readBlock(5)
    copy.commit([rows(5, 9)])
    source.commit([rows(6, 9)])
    expect(source.readBlock(5)).toEqual(sourceBlock5)
    expect(copy.readBlock(6)).toEqual(source.asOf(middle).readBlock(6))
    expect(source.contentChecksum().crc32).not.toBe(sourceNow.crc32)
    const copyNow = copy.contentChecksum()
    registry.close()

    const again = new StorageRegistry({home, clock, repair: REPAIR})
    expect(again.volume(REGION, 'restored').contentChecksum()).toEqual(copyNow)
    // Deleting the source and its template does not touch the copy.
    again.drop(REGION, 'source')
    again.drop(REGION, '_image')
    again.close()
    expect(new StorageRegistry({home, clock, repair: REPAIR}).volume(REGION, 'restored').contentChecksum()).toEqual(copyNow)
  })

  it('refuses an LSN above VDL or older than what the source keeps, leaving nothing behind', () => {
    const home = newHome('refuse')
    const registry = new StorageRegistry({home, clock: new ManualClock(), repair: REPAIR})
    const source = registry.volume(REGION, 'source')
    const a = source.commit([rows(1, 1)])
    const b = source.commit([rows(1, 2)])
    source.pinPoint('snapshot:s1', b)
    source.commit([rows(1, 3)])
    const c = source.commit([rows(2, 3)])
    source.coalesce(true)
    const dirs = () => fs.readdirSync(path.join(home, 'volumes', REGION)).sort()
    // The continuous backup still rebuilds `a` from the blank image; once it is trimmed past `a`, nothing can.
    const atA = source.contentChecksum(a)
    expect(registry.copy(REGION, 'source', a, 'early').contentChecksum()).toEqual({...atA, readPoint: expect.any(Number)})
    registry.drop(REGION, 'early')
    source.trimBackup(b)
    expect(() => registry.copy(REGION, 'source', c + 1, 'x')).toThrow(RangeError)
    expect(() => registry.clone(REGION, 'source', c + 1, 'x')).toThrow(RangeError)
    for (const restore of [() => registry.copy(REGION, 'source', a, 'x'), () => registry.clone(REGION, 'source', a, 'x')]) {
      expect(restore).toThrow(expect.objectContaining({name: 'StorageUnavailable', code: 'ReadPointCollected'}))
    }
    expect(() => registry.copy(REGION, 'nothing', 0, 'x')).toThrow(/no volume/)
    expect(() => registry.clone(REGION, 'source', c, 'source')).toThrow(/already exists/)
    expect(dirs()).toEqual(['source'])
    expect(registry.has(REGION, 'x')).toBe(false)
    // A point-pinned LSN (a snapshot) stays restorable below the fold point.
    expect(registry.copy(REGION, 'source', b, 'from-snapshot').readBlock(1)).toEqual(source.asOf(b).readBlock(1))
  })

  it('clones copy-on-write into the registry: registered, persisted, reopened after its source', () => {
    const home = newHome('clone')
    const clock = new ManualClock()
    const registry = new StorageRegistry({home, clock, repair: REPAIR})
    const source = registry.volume(REGION, 'source')
    fill(source, range(0, 40), 1)
    const at = source.vdl
    fill(source, range(0, 10), 2)
    const clone = registry.clone(REGION, 'source', at, 'clone')
    expect(registry.volume(REGION, 'clone')).toBe(clone)
    expect(clone.usedBytes()).toBe(0)
    expect(clone.contentChecksum().crc32).toBe(source.contentChecksum(at).crc32)
    clone.commit([rows(3, 7)])
    const cloneNow = clone.contentChecksum()
    registry.close()

    const again = new StorageRegistry({home, clock, repair: REPAIR})
    expect(again.persisted().map((v) => v.id).sort()).toEqual(['clone', 'source'])
    const reopened = again.volume(REGION, 'clone')
    expect(reopened.contentChecksum()).toEqual(cloneNow)
    expect(again.volume(REGION, 'source').cloneChildren()).toEqual(['clone'])
  })
})

describe('dropping a volume that clones still read through', () => {
  it('retires it, keeps it across a restart, and deletes it with its last child', () => {
    const home = newHome('retire')
    const clock = new ManualClock()
    const volumes = path.join(home, 'volumes', REGION)
    let registry = new StorageRegistry({home, clock, repair: REPAIR})
    const source = registry.volume(REGION, 'source')
    fill(source, range(0, 30), 1)
    const clone = registry.clone(REGION, 'source', source.vdl, 'clone')
    const image = clone.contentChecksum()
    registry.drop(REGION, 'source')
    expect(fs.existsSync(path.join(volumes, 'source'))).toBe(true)
    expect(registry.persisted().map((v) => v.id)).toEqual(['clone'])
    expect(registry.open().map((v) => v.id)).toEqual(['clone'])
    expect(clone.contentChecksum()).toEqual(image)
    expect(() => registry.clone(REGION, 'source', 0, 'other')).toThrow(/retired/)
    registry.close()

    registry = new StorageRegistry({home, clock, repair: REPAIR})
    expect(registry.persisted().map((v) => v.id)).toEqual(['clone'])
    expect(registry.volume(REGION, 'clone').contentChecksum()).toEqual(image)
    expect(registry.open().map((v) => v.id)).toEqual(['clone'])
    registry.drop(REGION, 'clone')
    expect(fs.readdirSync(volumes)).toEqual([])
  })

  it('drops a child not opened since a restart and cascades to its retired parent', () => {
    const home = newHome('unopened')
    const clock = new ManualClock()
    let registry = new StorageRegistry({home, clock, repair: REPAIR})
    fill(registry.volume(REGION, 'source'), range(0, 5), 1)
    registry.clone(REGION, 'source', registry.volume(REGION, 'source').vdl, 'clone')
    registry.drop(REGION, 'source')
    registry.close()

    registry = new StorageRegistry({home, clock, repair: REPAIR})
    registry.drop(REGION, 'clone')
    expect(registry.has(REGION, 'clone')).toBe(false)
    expect(fs.readdirSync(path.join(home, 'volumes', REGION))).toEqual([])
  })

  it('keeps a snapshot held as a child volume after its cluster’s volume is dropped, and restores from it', () => {
    const home = newHome('snapshot')
    const clock = new ManualClock()
    let registry = new StorageRegistry({home, clock, repair: REPAIR})
    const cluster = registry.volume(REGION, 'cluster')
    fill(cluster, range(0, 20), 1)
    const at = cluster.vdl
    const image = cluster.contentChecksum()
    // A snapshot as a template-like child at the snapshot's LSN: not a cluster volume, and it outlives the cluster.
    registry.clone(REGION, 'cluster', at, '_snapshot-final')
    fill(cluster, range(0, 5), 2)
    registry.drop(REGION, 'cluster')
    registry.close()

    registry = new StorageRegistry({home, clock, repair: REPAIR})
    expect(registry.persisted()).toEqual([])
    const full = registry.copy(REGION, '_snapshot-final', 0, 'restored-full')
    const cow = registry.clone(REGION, '_snapshot-final', 0, 'restored-cow')
    expect(full.contentChecksum().crc32).toBe(image.crc32)
    expect(cow.contentChecksum().crc32).toBe(image.crc32)
    expect(registry.persisted().map((v) => v.id).sort()).toEqual(['restored-cow', 'restored-full'])
  })

  it('cascades up a chain of retired volumes but never deletes a template', () => {
    const home = newHome('cascade')
    const registry = new StorageRegistry({home, clock: new ManualClock(), repair: REPAIR})
    const template = registry.template(REGION, 'image')
    fill(template, range(0, 5), 1)
    const a = registry.volume(REGION, 'a')
    a.adoptParent(template)
    a.commit([rows(1, 2)])
    const b = registry.clone(REGION, 'a', a.vdl, 'b')
    b.commit([rows(2, 3)])
    const c = registry.clone(REGION, 'b', b.vdl, 'c')
    const image = c.contentChecksum()
    registry.drop(REGION, 'a')
    registry.drop(REGION, 'b')
    expect(registry.open().map((v) => v.id)).toEqual(['c'])
    expect(c.contentChecksum()).toEqual(image)
    registry.drop(REGION, 'c')
    expect(fs.readdirSync(path.join(home, 'volumes', REGION))).toEqual(['_image'])
    expect(template.cloneChildren()).toEqual([])
  })
})

describe('a rewind (backtrack) of a persisted volume', () => {
  const open = (dir: string) => new Volume({id: 'v', fleet: new StorageFleet(REGION), clock: new ManualClock(), directory: dir})

  it('survives a restart, can still move forward after it, and a write after it makes it permanent', () => {
    const dir = newHome('rewind')
    const volume = open(dir)
    fill(volume, range(0, 20), 1)
    const early = volume.vdl
    const earlyImage = volume.contentChecksum()
    fill(volume, range(10, 30), 2)
    const late = volume.vdl
    const lateImage = volume.contentChecksum()
    volume.rewind(early)
    volume.close()

    const reopened = open(dir)
    expect(reopened.vdl).toBe(early)
    expect(reopened.rewound).toBe(true)
    expect(reopened.contentChecksum()).toEqual(earlyImage)
    reopened.rewind(late)
    expect(reopened.contentChecksum()).toEqual(lateImage)
    reopened.rewind(early)
    reopened.close()

    const third = open(dir)
    expect(third.contentChecksum()).toEqual(earlyImage)
    third.commit([rows(40, 4)])
    const written = third.contentChecksum()
    expect(third.rewound).toBe(false)
    third.close()

    const fourth = open(dir)
    expect(fourth.rewound).toBe(false)
    expect(fourth.contentChecksum()).toEqual(written)
    expect(() => fourth.rewind(late)).toThrow(RangeError)
  })

  it('refuses to go back before a clone’s branch point (a write after it would discard the clone’s image)', () => {
    const volume = new Volume({id: 'v', fleet: new StorageFleet(REGION), clock: new ManualClock()})
    const early = volume.commit([rows(1, 1)])
    const branch = volume.commit([rows(1, 2)])
    volume.commit([rows(1, 3)])
    const clone = volume.clone('child', branch)
    const image = clone.contentChecksum()
    expect(() => volume.rewind(early)).toThrow(expect.objectContaining({code: 'PointPinnedAbove'}))
    volume.rewind(branch)
    volume.commit([rows(1, 4)])
    expect(clone.contentChecksum()).toEqual(image)
  })

  it('through the registry, rebases the clones and snapshots branched above the target, which keep their content across the discarding write and a restart', () => {
    const home = newHome('rebase')
    const clock = new ManualClock()
    const registry = new StorageRegistry({home, clock, repair: REPAIR})
    const volume = registry.volume(REGION, 'v')
    fill(volume, range(0, 30), 1)
    const early = volume.vdl
    const earlyImage = volume.contentChecksum()
    fill(volume, range(10, 50), 2)
    const snapshot = registry.clone(REGION, 'v', volume.vdl, 'snap')
    const snapshotImage = snapshot.contentChecksum()
    fill(volume, range(20, 60), 3)
    const clone = registry.clone(REGION, 'v', volume.vdl, 'clone')
    clone.commit([rows(5, 9)])
    const cloneImage = clone.contentChecksum()
    const restored = registry.clone(REGION, 'snap', 0, 'restored')
    registry.rewind(REGION, 'v', early)
    expect(volume.contentChecksum()).toEqual(earlyImage)
    volume.commit([rows(70, 4)])
    expect(volume.rewound).toBe(false)
    for (const [v, image] of [[snapshot, snapshotImage], [clone, cloneImage], [restored, snapshotImage]] as const) {
      expect(v.contentChecksum().crc32).toBe(image.crc32)
    }
    registry.close()
    const reopened = new StorageRegistry({home, clock, repair: REPAIR})
    expect(reopened.volume(REGION, 'snap').contentChecksum().crc32).toBe(snapshotImage.crc32)
    expect(reopened.volume(REGION, 'clone').contentChecksum().crc32).toBe(cloneImage.crc32)
    expect(reopened.volume(REGION, 'restored').contentChecksum().crc32).toBe(snapshotImage.crc32)
  })

  it('is not undone by acknowledgements of the kept log (repair, gossip)', () => {
    const volume = new Volume({id: 'v', fleet: new StorageFleet(REGION), clock: new ManualClock()})
    const early = volume.commit([rows(1, 1)])
    volume.commit([rows(1, 2)])
    volume.rewind(early)
    volume.loseSegment(0)
    volume.tick()
    volume.tick()
    expect(volume.protectionGroups[0].members.every((s) => s.state === 'healthy')).toBe(true)
    expect(volume.vdl).toBe(early)
    expect(volume.readBlock(1)).toEqual(volume.asOf(early).readBlock(1))
  })
})
