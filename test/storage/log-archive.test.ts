import fs from 'node:fs'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {ManualClock} from '../../src/lib/emulator/clock.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import {StorageRegistry} from '../../src/lib/emulator/storage/registry.js'
import type {BlockWrite, Volume} from '../../src/lib/emulator/storage/volume.js'
import {tempDir} from '../helpers/process.js'

// The continuous backup: log that coalescing folds away is archived in the backup store first, so a volume can be
// rebuilt as of any consistency point since its oldest kept image, across restarts, until the archive is trimmed.

const REGION = 'us-east-1'
const REPAIR = {detectionDelayMs: 0, bytesPerSecond: Number.POSITIVE_INFINITY}
const homes: string[] = []
afterAll(() => {
  for (const dir of homes) fs.rmSync(dir, {recursive: true, force: true})
})

function write(volume: Volume, prng: Prng, n: number): number {
  const writes: BlockWrite[] = [{block: prng.int(64), ranges: [{offset: prng.int(8000), bytes: Uint8Array.from({length: 64}, (_, i) => (n + i) % 251)}]}]
  return volume.commit(writes)
}

describe('the continuous backup (log archive)', () => {
  it('rebuilds any folded point from the archive, after a restart too, and refuses what was trimmed', () => {
    const home = tempDir('archive')
    homes.push(home)
    const clock = new ManualClock()
    const registry = new StorageRegistry({home, clock, repair: REPAIR})
    const volume = registry.volume(REGION, 'v')
    const prng = new Prng(3)
    const history: {lsn: number; crc: string}[] = []
    for (let n = 1; n <= 300; n++) {
      clock.advance(10)
      const lsn = write(volume, prng, n)
      if (n % 60 === 0) volume.coalesce(true)
      history.push({lsn, crc: volume.contentChecksum().crc32})
      // An image kept from here on (a snapshot's pin), which the archive can later be trimmed to.
      if (n === 151) volume.pinPoint('clone:snap', history[150].lsn)
    }
    volume.coalesce(true)
    expect(volume.backup?.archivedBytes).toBeGreaterThan(0)
    for (const point of [history[0], history[77], history[150], history[299]]) {
      expect(volume.contentChecksum(point.lsn).crc32).toBe(point.crc)
    }
    expect(() => volume.pinPoint('late', history[20].lsn)).toThrow(expect.objectContaining({code: 'ReadPointCollected'}))
    registry.close()

    const reopened = new StorageRegistry({home, clock, repair: REPAIR})
    const again = reopened.volume(REGION, 'v')
    expect(again.contentChecksum(history[77].lsn).crc32).toBe(history[77].crc)
    const copy = reopened.copy(REGION, 'v', history[200].lsn, 'copy')
    expect(copy.contentChecksum().crc32).toBe(history[200].crc)
    // Trimmed up to the pinned image: later points still rebuild from it, earlier ones are gone.
    again.trimBackup(history[150].lsn)
    expect(again.backup?.fromLsn).toBe(history[150].lsn)
    expect(again.contentChecksum(history[220].lsn).crc32).toBe(history[220].crc)
    expect(() => again.contentChecksum(history[77].lsn)).toThrow(expect.objectContaining({code: 'ReadPointCollected'}))
    reopened.close()
    const third = new StorageRegistry({home, clock, repair: REPAIR}).volume(REGION, 'v')
    expect(third.backup?.fromLsn).toBe(history[150].lsn)
    expect(third.contentChecksum(history[250].lsn).crc32).toBe(history[250].crc)
  })

  it('drops a torn tail of the archive file and keeps every whole record before it', () => {
    const home = tempDir('archive-torn')
    homes.push(home)
    const clock = new ManualClock()
    const registry = new StorageRegistry({home, clock, repair: REPAIR})
    const volume = registry.volume(REGION, 'v')
    const prng = new Prng(4)
    const lsns: number[] = []
    const crcs: string[] = []
    for (let n = 1; n <= 50; n++) {
      lsns.push(write(volume, prng, n))
      crcs.push(volume.contentChecksum().crc32)
    }
    volume.coalesce(true)
    registry.close()
    const file = path.join(home, 'backups', REGION, 'v', 'archive.log')
    const size = fs.statSync(file).size
    fs.appendFileSync(file, Buffer.from([0, 0, 1, 0, 7, 7, 7]))
    const reopened = new StorageRegistry({home, clock, repair: REPAIR}).volume(REGION, 'v')
    expect(fs.statSync(file).size).toBe(size)
    expect(reopened.contentChecksum(lsns[20]).crc32).toBe(crcs[20])
  })
})
