/**
 * Benchmarks of the emulator's storage volume (src/lib/emulator/storage). Prints one JSON
 * document on stdout; progress goes to stderr.
 *
 *   node --import tsx bench/storage.ts [write|bytes|repair|memory|all] [--check] [--quick]
 *
 *   write   write throughput: persisted volume, in-memory volume and a plain page map, same stream, interleaved rounds
 *   bytes   bytes one segment file grows by per single-row-update commit
 *   repair  rebuild of a lost segment: copy time, MiB/s, wall time including detection
 *   memory  resident overhead relative to live pages (each case in its own `node --expose-gc` child)
 *
 * `write --only=volume-persisted|volume-memory` runs that target (and the plain map) only, for profiling.
 * `--check` exits 1 when a target is missed; `--quick` uses smaller sizes (a smoke run).
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {ManualClock} from '../src/lib/emulator/clock.js'
import {StorageFleet} from '../src/lib/emulator/storage/fleet.js'
import {BLOCK_SIZE} from '../src/lib/emulator/storage/geometry.js'
import {type BlockWrite, Volume, type VolumeEvent} from '../src/lib/emulator/storage/volume.js'

const MiB = 1024 * 1024
const SELF = fileURLToPath(import.meta.url)
const args = process.argv.slice(2)
const check = args.includes('--check')
const quick = args.includes('--quick')
const positional = args.filter((a) => !a.startsWith('--'))
const which = positional[0] ?? 'all'

const log = (message: string) => process.stderr.write(`[storage-bench] ${message}\n`)
const round = (x: number, digits = 2) => Number(x.toFixed(digits))
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

/** A small seeded PRNG (xorshift32) so every run writes the same stream. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1
  return () => {
    x ^= x << 13
    x >>>= 0
    x ^= x >>> 17
    x ^= x << 5
    x >>>= 0
    return x / 0x1_0000_0000
  }
}

const int = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))

function randomBytes(random: () => number, n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0; i < n; i++) out[i] = (random() * 256) | 0
  return out
}

const tempDirs: string[] = []
function tempDir(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `auroractl-bench-${tag}-`))
  tempDirs.push(dir)
  return dir
}

function cleanup(): void {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, {recursive: true, force: true})
}

function newVolume(directory?: string, id = 'bench'): Volume {
  return new Volume({id, fleet: new StorageFleet('us-east-1'), clock: new ManualClock(), repair: {detectionDelayMs: 0, bytesPerSecond: Number.POSITIVE_INFINITY}, directory})
}

interface Check {
  name: string
  target: string
  value: number
  ok: boolean
}
const checks: Check[] = []
function target(name: string, value: number, ok: boolean, description: string): void {
  checks.push({name, target: description, value: round(value, 4), ok})
}

// ---------------------------------------------------------------- 1. write throughput

interface Target {
  name: string
  apply(tx: BlockWrite[]): void
  /** Background work between batches (the daemon ticks storage every 200 ms). */
  background(): void
  close(): void
}

function volumeTarget(name: string, directory?: string): Target & {tickMs: number} {
  const volume = newVolume(directory)
  const t = {
    name,
    tickMs: 0,
    apply: (tx: BlockWrite[]) => void volume.commit(tx),
    background: () => {
      const started = performance.now()
      volume.tick()
      t.tickMs += performance.now() - started
    },
    close: () => volume.close(),
  }
  return t
}

function mapTarget(): Target {
  const pages = new Map<number, Uint8Array>()
  return {
    name: 'plain-map',
    apply(tx) {
      for (const w of tx) {
        let page = pages.get(w.block)
        if (!page) {
          page = new Uint8Array(BLOCK_SIZE)
          pages.set(w.block, page)
        }
        for (const r of w.ranges) page.set(r.bytes, r.offset)
      }
    },
    background() {},
    close() {},
  }
}

function writeStream(count: number, workingSet: number, seed: number): {txs: BlockWrite[][]; records: number; bytes: number} {
  const random = prng(seed)
  const txs: BlockWrite[][] = []
  let records = 0
  let bytes = 0
  for (let i = 0; i < count; i++) {
    const tx: BlockWrite[] = []
    const blocks = new Set<number>()
    const n = int(random, 1, 3)
    while (blocks.size < n) blocks.add(int(random, 0, workingSet - 1))
    for (const block of blocks) {
      const size = int(random, 16, 200)
      const offset = int(random, 0, BLOCK_SIZE - size)
      tx.push({block, ranges: [{offset, bytes: randomBytes(random, size)}]})
      records++
      bytes += size
    }
    txs.push(tx)
  }
  return {txs, records, bytes}
}

function benchWrite(): Record<string, unknown> {
  const rounds = quick ? 3 : 7
  const perRound = quick ? 3000 : 8000
  const workingSet = 4096
  const tickEvery = 1000
  const stream = writeStream(perRound, workingSet, 0x5eed)
  const dir = tempDir('write')
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length)
  const targets = [volumeTarget('volume-persisted', dir), volumeTarget('volume-memory'), mapTarget()].filter((t) => !only || t.name === only || t.name === 'plain-map')
  const rates = new Map<string, {records: number[]; mb: number[]}>(targets.map((t) => [t.name, {records: [], mb: []}]))
  /** Runs the stream once (or, for fast targets, repeatedly until 200 ms have passed) and returns records/s and MB/s. */
  const run = (t: Target) => {
    let passes = 0
    const started = performance.now()
    let elapsed = 0
    do {
      for (const [i, tx] of stream.txs.entries()) {
        t.apply(tx)
        if ((i + 1) % tickEvery === 0) t.background()
      }
      passes++
      elapsed = performance.now() - started
    } while (elapsed < 200)
    return {recordsPerSec: (passes * stream.records) / (elapsed / 1000), mbPerSec: (passes * stream.bytes) / 1e6 / (elapsed / 1000)}
  }
  // Warm-up round (JIT, file creation), not counted.
  for (const t of targets) run(t)
  for (let r = 0; r < rounds; r++) {
    const order = targets.map((_, i) => targets[(i + r) % targets.length])
    for (const t of order) {
      const {recordsPerSec, mbPerSec} = run(t)
      rates.get(t.name)!.records.push(recordsPerSec)
      rates.get(t.name)!.mb.push(mbPerSec)
    }
    log(`write round ${r + 1}/${rounds}: ${targets.map((t) => `${t.name} ${Math.round(rates.get(t.name)!.records.at(-1)!)} rec/s`).join(', ')}`)
  }
  const result: Record<string, unknown> = {}
  for (const t of targets) {
    const x = rates.get(t.name)!
    result[t.name] = {
      recordsPerSec: Math.round(median(x.records)),
      mbPerSec: round(median(x.mb), 3),
      recordsPerSecRange: [Math.round(Math.min(...x.records)), Math.round(Math.max(...x.records))],
      ...('tickMs' in t ? {tickMsTotal: Math.round((t as {tickMs: number}).tickMs)} : {}),
    }
    t.close()
  }
  const plain = median(rates.get('plain-map')!.records)
  const persisted = median(rates.get('volume-persisted')!.records) / plain
  const memory = median(rates.get('volume-memory')!.records) / plain
  target('write.persisted/plain', persisted, persisted >= 0.5, '>= 0.5 of the plain map')
  target('write.memory/plain', memory, memory >= 0.5, '>= 0.5 of the plain map')
  return {
    stream: {transactionsPerPass: perRound, recordsPerPass: stream.records, changedBytesPerPass: stream.bytes, workingSetBlocks: workingSet, blockWritesPerTx: '1-3', changedBytesPerWrite: '16-200', tickEveryCommits: tickEvery},
    rounds,
    ...result,
    ratioPersistedToPlain: round(persisted, 5),
    ratioMemoryToPlain: round(memory, 5),
  }
}

// ---------------------------------------------------------------- 2. bytes per copy

function benchBytes(): Record<string, unknown> {
  const commits = quick ? 500 : 5000
  const dir = tempDir('bytes')
  const volume = newVolume(dir)
  const random = prng(42)
  const workingSet = 4096
  const commitOne = () => {
    const size = int(random, 40, 120)
    const offset = int(random, 0, BLOCK_SIZE - size)
    volume.commit([{block: int(random, 0, workingSet - 1), ranges: [{offset, bytes: randomBytes(random, size)}]}])
    return size
  }
  for (let i = 0; i < 100; i++) commitOne()
  const logs = () => fs.readdirSync(dir).filter((f) => f.endsWith('.log'))
  const sizes = () => new Map(logs().map((f) => [f, fs.statSync(path.join(dir, f)).size]))
  const pagesSize = () => fs.readdirSync(dir).filter((f) => f.endsWith('.pages')).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0)
  const metaSize = () => fs.statSync(path.join(dir, 'volume.json')).size
  volume.tick()
  const before = sizes()
  const pagesBefore = pagesSize()
  let changed = 0
  for (let i = 0; i < commits; i++) changed += commitOne()
  const after = sizes()
  const perSegment = [...after].map(([f, size]) => (size - (before.get(f) ?? 0)) / commits)
  const bytesPerCopy = Math.max(...perSegment)
  // What coalescing then writes: the page file appends each touched page whole, and volume.json is rewritten.
  volume.tick()
  const pagesGrowth = pagesSize() - pagesBefore
  const result = {
    commits,
    segmentFiles: perSegment.length,
    changedBytesPerCommit: round(changed / commits, 1),
    bytesPerCopyPerCommit: round(bytesPerCopy, 1),
    bytesAllSixCopiesPerCommit: round(perSegment.reduce((a, b) => a + b, 0), 1),
    wholePageShipping: BLOCK_SIZE,
    ratioToWholePage: round(bytesPerCopy / BLOCK_SIZE, 4),
    afterOneCoalesce: {pageFileBytesPerCommit: round(pagesGrowth / commits, 1), volumeJsonBytes: metaSize(), workingSetBlocks: workingSet},
  }
  volume.close()
  target('bytes.perCopy', bytesPerCopy, bytesPerCopy <= 1024, '<= 1024 bytes per segment copy per small commit')
  return result
}

// ---------------------------------------------------------------- 3. repair

function fillVolume(volume: Volume, pageBytes: number, logBytes: number, holdLog: boolean): void {
  const random = prng(7)
  const page = randomBytes(random, BLOCK_SIZE)
  const blocks = Math.round(pageBytes / BLOCK_SIZE)
  for (let b = 0; b < blocks; b++) {
    page[0] = b & 0xff
    volume.commit([{block: b, ranges: [{offset: 0, bytes: page}]}])
    if ((b + 1) % 512 === 0) volume.tick()
  }
  volume.tick()
  // The log part: records of 4 KiB over the same blocks, kept unfolded by a range pin (as a backtrack window or a lagging replica would).
  if (holdLog) volume.pins.pinRange('bench-hold', volume.vdl)
  const chunk = page.subarray(0, 4096)
  const records = Math.round(logBytes / 4096)
  for (let i = 0; i < records; i++) volume.commit([{block: i % Math.max(1, blocks), ranges: [{offset: (i % 2) * 4096, bytes: chunk}]}])
}

function repairCase(mib: number, persisted: boolean, holdLog: boolean): Record<string, unknown> {
  const directory = persisted ? tempDir(`repair${mib}`) : undefined
  const volume = newVolume(directory)
  const fillStarted = performance.now()
  fillVolume(volume, (mib * MiB) / 2, (mib * MiB) / 2, holdLog)
  const fillMs = performance.now() - fillStarted
  const used = volume.usedBytes()
  const probes = [0, 3, Math.round((mib * MiB) / 2 / BLOCK_SIZE) - 1]
  const expected = probes.map((b) => volume.readBlock(b))
  const events: VolumeEvent[] = []
  volume.on((e) => events.push(e))
  const started = performance.now()
  volume.loseSegment(0)
  let ticks = 0
  let finished: Extract<VolumeEvent, {type: 'repair-finished'}> | undefined
  while (!finished && ticks < 100) {
    volume.tick()
    ticks++
    finished = events.find((e): e is Extract<VolumeEvent, {type: 'repair-finished'}> => e.type === 'repair-finished')
  }
  const wallMs = performance.now() - started
  if (!finished) throw new Error(`repair of ${mib} MiB did not finish in ${ticks} ticks`)
  for (const [i, b] of probes.entries()) if (Buffer.compare(volume.readBlock(b), expected[i]) !== 0) throw new Error(`repair bench: block ${b} differs after repair`)
  const g = volume.protectionGroups[0]
  const replacement = g.members.find((m) => m.id === finished!.replacement)!
  volume.close()
  return {
    mib,
    persisted,
    pageBytesShared: g.pages.size(),
    logBytesCopied: replacement.logBytes,
    logMibPerSecCopied: round(replacement.logBytes / MiB / (finished.copyMs / 1000), 1),
    logHeldByPin: holdLog,
    usedBytesBefore: used,
    eventBytes: finished.bytes,
    copyMs: round(finished.copyMs, 2),
    mibPerSecByEvent: round(finished.bytes / MiB / (finished.copyMs / 1000), 1),
    wallMsWithDetection: round(wallMs, 1),
    mibPerSecWall: round(finished.bytes / MiB / (wallMs / 1000), 1),
    ticks,
    fillMs: Math.round(fillMs),
  }
}

function benchRepair(): Record<string, unknown> {
  const sizes = quick ? [8] : [8, 32, 128]
  const cases: Record<string, unknown>[] = []
  for (const mib of sizes) {
    for (const persisted of [false, true]) {
      const c = repairCase(mib, persisted, true)
      log(`repair ${mib} MiB ${persisted ? 'persisted' : 'memory'}: copy ${c.copyMs} ms, wall ${c.wallMsWithDetection} ms`)
      cases.push(c)
      cleanup()
    }
  }
  // As the brief words it, with no pin: the detection tick coalesces the log into pages before the copy.
  const unpinned = repairCase(sizes.at(-1)!, true, false)
  cleanup()
  const largest = cases.filter((c) => c.mib === sizes.at(-1))
  for (const c of largest) {
    const rate = (c.eventBytes as number) / (c.wallMsWithDetection as number) / 1000 / 1000
    target(`repair.${c.persisted ? 'persisted' : 'memory'}.${c.mib}MiB.wallGBps`, rate, rate >= 1, ">= 1 GB/s (Aurora: 10 GB segment in 10 s)")
  }
  return {aurora: {segmentBytes: 10e9, seconds: 10, gbPerSec: 1}, cases, unpinned}
}

// ---------------------------------------------------------------- 4. memory

type MemoryMode = 'memory' | 'directory' | 'reopen'

function measure(): {rss: number; heap: number} {
  const gc = (globalThis as {gc?: () => void}).gc
  if (!gc) throw new Error('run memory cases with node --expose-gc')
  for (let i = 0; i < 3; i++) gc()
  const m = process.memoryUsage()
  return {rss: m.rss, heap: m.heapUsed + m.arrayBuffers}
}

/** One memory case, in a child process: builds (or reopens) a volume with `mib` MiB of live pages. */
function memoryChild(mib: number, mode: MemoryMode, directory?: string): void {
  const blocks = (mib * MiB) / BLOCK_SIZE
  const page = new Uint8Array(BLOCK_SIZE).fill(0xab)
  const base = measure()
  let volume: Volume
  let peakRss = base.rss
  const started = performance.now()
  if (mode === 'reopen') {
    volume = newVolume(directory)
  } else {
    volume = newVolume(mode === 'directory' ? directory : undefined)
    for (let b = 0; b < blocks; b++) {
      volume.commit([{block: b, ranges: [{offset: 0, bytes: page}]}])
      if ((b + 1) % 256 === 0) {
        volume.tick()
        if ((b + 1) % 4096 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss)
      }
    }
    volume.tick()
  }
  const buildMs = performance.now() - started
  const after = measure()
  const live = blocks * BLOCK_SIZE
  if (volume.readBlock(blocks - 1)[1] !== 0xab) throw new Error('memory bench: wrong data')
  const overhead = (delta: number) => ({delta, overhead: delta - live, overheadRatio: round((delta - live) / live, 4), overheadMiB: round((delta - live) / MiB, 2)})
  process.stdout.write(
    JSON.stringify({
      mib,
      mode,
      liveBytes: live,
      usedBytes: volume.usedBytes(),
      records: volume.recordCount(),
      buildMs: Math.round(buildMs),
      rss: overhead(after.rss - base.rss),
      heapPlusArrayBuffers: overhead(after.heap - base.heap),
      peakRssDeltaMiB: round((Math.max(peakRss, after.rss) - base.rss) / MiB, 1),
    }),
  )
  volume.close()
}

function runChild(argv: string[]): Record<string, unknown> {
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', SELF, ...argv], {encoding: 'utf8', maxBuffer: 16 * MiB})
  if (child.status !== 0) throw new Error(`child ${argv.join(' ')} failed: ${child.stderr}`)
  return JSON.parse(child.stdout) as Record<string, unknown>
}

function benchMemory(): Record<string, unknown> {
  const sizes = quick ? [16] : [16, 64, 256]
  const cases: Record<string, unknown>[] = []
  for (const mib of sizes) {
    const dir = tempDir(`mem${mib}`)
    for (const [mode, directory] of [
      ['memory', undefined],
      ['directory', dir],
      ['reopen', dir],
    ] as const) {
      const c = runChild(['memory-case', String(mib), mode, ...(directory ? [directory] : [])])
      const rss = c.rss as {overhead: number}
      log(`memory ${mib} MiB ${mode}: rss overhead ${round(rss.overhead / MiB, 1)} MiB`)
      cases.push(c)
      const allowed = 0.1 * mib * MiB + 20 * MiB
      target(`memory.${mode}.${mib}MiB.rssOverhead`, rss.overhead / MiB, rss.overhead <= allowed, `<= 10% of live + 20 MiB (${round(allowed / MiB, 1)} MiB)`)
    }
    cleanup()
  }
  // Least-squares fit of overhead = fixed + slope * live, per mode: separates a fixed cost (V8 young generation,
  // compiled code, allocator retention) from the cost that grows with the data.
  const fits: Record<string, unknown> = {}
  for (const mode of ['memory', 'directory', 'reopen']) {
    const xs = cases.filter((c) => c.mode === mode)
    if (xs.length < 2) continue
    const fit = (metric: 'rss' | 'heapPlusArrayBuffers') => {
      const pts = xs.map((c) => [c.liveBytes as number, (c[metric] as {overhead: number}).overhead])
      const mx = pts.reduce((n, p) => n + p[0], 0) / pts.length
      const my = pts.reduce((n, p) => n + p[1], 0) / pts.length
      const slope = pts.reduce((n, p) => n + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((n, p) => n + (p[0] - mx) ** 2, 0)
      return {fixedMiB: round((my - slope * mx) / MiB, 1), slopeRatio: round(slope, 4)}
    }
    fits[mode] = {rss: fit('rss'), heapPlusArrayBuffers: fit('heapPlusArrayBuffers')}
  }
  return {cases, fits}
}

// ---------------------------------------------------------------- main

function main(): void {
  if (which === 'memory-case') {
    memoryChild(Number(positional[1]), positional[2] as MemoryMode, positional[3])
    return
  }
  const started = Date.now()
  const results: Record<string, unknown> = {}
  const all = which === 'all'
  try {
    if (all || which === 'write') results.write = benchWrite()
    if (all || which === 'bytes') results.bytesPerCopy = benchBytes()
    if (all || which === 'repair') results.repair = benchRepair()
    if (all || which === 'memory') results.memory = benchMemory()
  } finally {
    cleanup()
  }
  if (Object.keys(results).length === 0) throw new Error(`unknown benchmark ${which}: write|bytes|repair|memory|all`)
  const out = {
    benchmark: 'storage',
    node: process.version,
    cpus: os.cpus().length,
    quick,
    elapsedMs: Date.now() - started,
    results,
    checks,
    targetsMissed: checks.filter((c) => !c.ok).map((c) => c.name),
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
  if (check && out.targetsMissed.length > 0) process.exitCode = 1
}

main()
