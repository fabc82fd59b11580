import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {ManualClock} from '../../src/lib/emulator/clock.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import {StorageFleet} from '../../src/lib/emulator/storage/fleet.js'
import {StorageRegistry} from '../../src/lib/emulator/storage/registry.js'
import {Volume} from '../../src/lib/emulator/storage/volume.js'
import {ROOT, tempDir} from '../helpers/process.js'

const dirs: string[] = []
/** Writer processes still running if a test fails midway: stopped by pid after the tests. */
const writers = new Set<number>()
const newDir = () => {
  const dir = tempDir('volume')
  dirs.push(dir)
  return dir
}
afterAll(() => {
  for (const pid of writers) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  for (const dir of dirs) fs.rmSync(dir, {recursive: true, force: true})
})

const open = (dir: string, clock = new ManualClock()) => new Volume({id: 'v', fleet: new StorageFleet('us-east-1'), clock, directory: dir, foldAfterBytes: 0})

describe('volume persistence', () => {
  it('reopens with every acknowledged commit, across coalescing and compaction', () => {
    const dir = newDir()
    const clock = new ManualClock()
    const volume = open(dir, clock)
    const expected = new Map<number, number>()
    for (let i = 0; i < 400; i++) {
      const block = i % 37
      volume.commit([{block, ranges: [{offset: 100, bytes: Uint8Array.of(i % 256)}]}])
      expected.set(block, i % 256)
      clock.advance(10)
      if (i % 100 === 0) volume.tick()
    }
    const t = clock.now() - 1000
    const lsnThen = volume.lsnAtTime(t)
    const vdl = volume.vdl
    const reopened = open(dir, clock)
    expect(reopened.vdl).toBe(vdl)
    for (const [block, value] of expected) expect(reopened.readBlock(block)[100]).toBe(value)
    expect(reopened.lsnAtTime(t)).toBe(lsnThen)
    expect(reopened.currentEpoch).toBe(volume.currentEpoch + 1)
  })

  it('reopens a volume branched from a template after the template, and a dropped child releases its pin', () => {
    const home = tempDir('template')
    const clock = new ManualClock(0)
    const byte = (v: Volume, block: number) => v.readBlock(block)[0]
    const registry = new StorageRegistry({home, clock, repair: {detectionDelayMs: 0, bytesPerSecond: Number.POSITIVE_INFINITY}})
    const template = registry.template('us-east-1', 'image')
    template.commit([{block: 1, ranges: [{offset: 0, bytes: Uint8Array.of(9)}]}, {block: 2, ranges: [{offset: 0, bytes: Uint8Array.of(8)}]}])
    const child = registry.volume('us-east-1', 'child')
    child.adoptParent(template)
    expect(() => child.adoptParent(template)).toThrow(/already/)
    child.commit([{block: 2, ranges: [{offset: 0, bytes: Uint8Array.of(5)}]}])
    // The template is not a cluster volume: reconciliation never sees it.
    expect(registry.persisted().map((v) => v.id)).toEqual(['child'])
    expect(registry.open().map((v) => v.id)).toEqual(['child'])
    registry.close()

    const again = new StorageRegistry({home, clock, repair: {detectionDelayMs: 0, bytesPerSecond: Number.POSITIVE_INFINITY}})
    const reopened = again.volume('us-east-1', 'child')
    expect([byte(reopened, 1), byte(reopened, 2)]).toEqual([9, 5])
    expect(byte(again.template('us-east-1', 'image'), 2)).toBe(8)
    again.drop('us-east-1', 'child')
    expect(JSON.parse(fs.readFileSync(path.join(home, 'volumes', 'us-east-1', '_image', 'volume.json'), 'utf8')).points).toEqual([])
    again.close()
    fs.rmSync(home, {recursive: true, force: true})
  })

  it('cuts off a torn tail and keeps what was whole', () => {
    const dir = newDir()
    const volume = open(dir)
    volume.commit([{block: 1, ranges: [{offset: 0, bytes: Uint8Array.of(42)}]}])
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.log'))) fs.appendFileSync(path.join(dir, file), Buffer.from([0, 0, 0, 99, 1, 2, 3]))
    const reopened = open(dir)
    expect(reopened.readBlock(1)[0]).toBe(42)
    expect(reopened.commit([{block: 1, ranges: [{offset: 0, bytes: Uint8Array.of(43)}]}])).toBeGreaterThan(0)
    expect(open(dir).readBlock(1)[0]).toBe(43)
  })

  it('keeps a lost segment lost until repair rebuilds it', () => {
    const dir = newDir()
    const volume = open(dir)
    volume.commit([{block: 2, ranges: [{offset: 0, bytes: Uint8Array.of(7)}]}])
    volume.repairPaused = true
    const lost = volume.loseSegment(0)
    const reopened = open(dir)
    expect(reopened.protectionGroups[0].members.find((s) => s.id === lost.id)?.state).toBe('lost')
    reopened.tick()
    reopened.tick()
    expect(reopened.protectionGroups[0].members.every((s) => s.state === 'healthy')).toBe(true)
    expect(open(dir).readBlock(2)[0]).toBe(7)
  })

  it('loses no acknowledged commit when the writer process is killed with SIGKILL at random points', async () => {
    const random = new Prng(Number(process.env.STORAGE_CRASH_SEED ?? 20261125))
    const points = Number(process.env.STORAGE_CRASH_POINTS ?? 50)
    const dir = newDir()
    // Every write in the order it was issued; a write whose commit was never acknowledged may or may not survive.
    const writes: {block: number; offset: number; value: number; acked: boolean}[] = []
    let highest = 0
    for (let point = 0; point < points; point++) {
      const journal = path.join(dir, `journal-${point}.txt`)
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/storage/crash-writer.ts'), dir, String(point), journal], {stdio: ['ignore', 'pipe', 'pipe']})
      writers.add(child.pid!)
      let stderr = ''
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      let acks = 0
      const killAfter = 20 + random.int(400)
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          acks += d.toString().split('\n').length - 1
          if (acks >= killAfter) child.kill('SIGKILL')
        })
        child.on('close', () => resolve())
      })
      writers.delete(child.pid!)
      for (const line of fs.readFileSync(journal, 'utf8').split('\n')) {
        const [kind, ...numbers] = line.split(' ')
        const [a, b, c] = numbers.map(Number)
        if (kind === 'w') writes.push({block: a, offset: b, value: c, acked: false})
        else if (kind === 'a') {
          writes[writes.length - 1].acked = true
          highest = Math.max(highest, a)
        }
      }
      expect(acks, `crash point ${point}: the writer acknowledged nothing; stderr: ${stderr}`).toBeGreaterThan(0)
    }
    const volume = open(dir)
    expect(volume.vdl).toBeGreaterThanOrEqual(highest)
    // From the last write back: an acknowledged write whose bytes no later write touched must be on the volume.
    const covered = new Map<number, Set<number>>()
    const pages = new Map<number, Uint8Array>()
    let checked = 0
    for (let i = writes.length - 1; i >= 0; i--) {
      const w = writes[i]
      const later = covered.get(w.block) ?? new Set<number>()
      covered.set(w.block, later)
      const bytes = [w.offset, w.offset + 1, w.offset + 2]
      if (w.acked && bytes.every((b) => !later.has(b))) {
        if (!pages.has(w.block)) pages.set(w.block, volume.readBlock(w.block))
        expect([...pages.get(w.block)!.subarray(w.offset, w.offset + 3)], `block ${w.block} offset ${w.offset}`).toEqual([w.value, w.value, w.value])
        checked++
      }
      for (const b of bytes) later.add(b)
    }
    expect(checked).toBeGreaterThan(0)
  }, 300_000)
})
