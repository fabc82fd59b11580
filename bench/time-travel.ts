/**
 * Benchmarks of the storage time features (issue 5): copy-on-write clones, full copies,
 * point-in-time restore, backtrack, and the space a clone takes after rewriting 1 % of its
 * pages. Volumes are persisted in a temporary directory, as the daemon has them, through the
 * StorageRegistry. Prints one JSON document on stdout; progress goes to stderr.
 *
 *   node --import tsx bench/time-travel.ts [--quick] [--check]
 *
 * `--quick` uses small sizes (a smoke run); `--check` exits 1 when a target is missed.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {ManualClock} from '../src/lib/emulator/clock.js'
import {Prng} from '../src/lib/emulator/prng.js'
import {BLOCK_SIZE} from '../src/lib/emulator/storage/geometry.js'
import {StorageRegistry} from '../src/lib/emulator/storage/registry.js'
import type {BlockWrite, Volume} from '../src/lib/emulator/storage/volume.js'
import {machine, median, round} from './lib.mjs'

const MiB = 1024 * 1024
const REGION = 'us-east-1'
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const check = args.includes('--check')
/** Volume sizes: small, medium, large (the large one is the "1 GiB" of the targets). */
const SIZES = quick ? [2, 8, 32] : [10, 100, 1024]
const [SMALL, , LARGE] = SIZES
/** Pages per commit while filling (2 MiB, as a bulk load commits). */
const FILL_BATCH = 256
/** Commits after the fill that each rewrite a few pages: the history restores and backtracks go into. */
const HISTORY_COMMITS = 40
const HISTORY_PAGES_PER_COMMIT = 16
/** Backtrack goes back to before this many of the last commits. */
const BACKTRACK_COMMITS = 20

const log = (message: string) => process.stderr.write(`[time-travel-bench] ${message}\n`)

const checks: {name: string; target: string; value: number; ok: boolean}[] = []
function target(name: string, value: number, ok: boolean, description: string): void {
  checks.push({name, target: description, value: round(value, 4), ok})
}

function timed<T>(body: () => T): {ms: number; value: T} {
  const started = performance.now()
  const value = body()
  return {ms: performance.now() - started, value}
}

/** Pseudo-random 8 KiB pages to draw from: building a fresh random page per write would dominate the fill. */
const POOL = (() => {
  const random = new Prng(20261125)
  return Array.from({length: 61}, () => Uint8Array.from({length: BLOCK_SIZE}, () => random.int(256)))
})()

/** A whole page of non-trivial content, different per block and generation. */
function page(block: number, generation: number): BlockWrite {
  const bytes = POOL[(block * 7 + generation) % POOL.length].slice()
  const view = new DataView(bytes.buffer)
  view.setFloat64(0, block)
  view.setFloat64(8, generation)
  return {block, ranges: [{offset: 0, bytes}]}
}

function directoryBytes(dir: string): number {
  let bytes = 0
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const file = path.join(dir, entry.name)
    bytes += entry.isDirectory() ? directoryBytes(file) : fs.statSync(file).size
  }
  return bytes
}

interface Source {
  id: string
  mib: number
  volume: Volume
  fillMs: number
  /** Consistency points of the history after the fill, oldest first. */
  history: number[]
}

/**
 * Fills a volume with `mib` MiB of whole pages in commits of FILL_BATCH, ticking storage
 * after each (folding as the daemon does), then writes a history of small commits above a
 * retention pin (a backup retention / backtrack window starting at the end of the fill).
 */
function buildSource(registry: StorageRegistry, clock: ManualClock, mib: number): Source {
  const id = `source-${mib}`
  const volume = registry.volume(REGION, id)
  const pages = (mib * MiB) / BLOCK_SIZE
  const {ms: fillMs} = timed(() => {
    for (let b = 0; b < pages; b += FILL_BATCH) {
      const writes: BlockWrite[] = []
      for (let block = b; block < Math.min(pages, b + FILL_BATCH); block++) writes.push(page(block, 1))
      volume.commit(writes)
      volume.tick()
      clock.advance(1000)
    }
  })
  volume.pins.pinRange('retention', volume.vdl)
  const random = new Prng(mib)
  const history: number[] = []
  for (let i = 0; i < HISTORY_COMMITS; i++) {
    const writes: BlockWrite[] = []
    for (let j = 0; j < HISTORY_PAGES_PER_COMMIT; j++) writes.push(page(random.int(pages), 2 + i))
    history.push(volume.commit(writes))
    volume.tick()
    clock.advance(1000)
  }
  log(`filled ${mib} MiB in ${Math.round(fillMs)} ms (${round((mib / fillMs) * 1000)} MiB/s), ${HISTORY_COMMITS} commits of history`)
  return {id, mib, volume, fillMs, history}
}

function main(): void {
  const started = Date.now()
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'auroractl-bench-time-'))
  const clock = new ManualClock()
  const registry = new StorageRegistry({home, clock, repair: {detectionDelayMs: 0, bytesPerSecond: Number.POSITIVE_INFINITY}})
  let serial = 0
  const newId = (tag: string) => `${tag}-${++serial}`
  const results: Record<string, unknown> = {}
  try {
    const sources = new Map(SIZES.map((mib) => [mib, buildSource(registry, clock, mib)]))
    const small = sources.get(SMALL)!
    const large = sources.get(LARGE)!
    results.fill = SIZES.map((mib) => ({mib, ms: Math.round(sources.get(mib)!.fillMs), usedMiB: round(sources.get(mib)!.volume.usedBytes() / MiB)}))

    // (a) Copy-on-write clones, small and large interleaved so drift hits both alike.
    const cloneMs: Record<number, number[]> = {[SMALL]: [], [LARGE]: []}
    for (let rep = 0; rep < 9; rep++) {
      for (const source of rep % 2 ? [small, large] : [large, small]) {
        const id = newId('clone')
        cloneMs[source.mib].push(timed(() => registry.clone(REGION, source.id, source.volume.vdl, id)).ms)
        registry.drop(REGION, id)
      }
    }
    const cloneSmall = median(cloneMs[SMALL])
    const cloneLarge = median(cloneMs[LARGE])
    results.clone = {
      [`${SMALL}MiB`]: {medianMs: round(cloneSmall, 2), samplesMs: cloneMs[SMALL].map((x) => round(x, 2))},
      [`${LARGE}MiB`]: {medianMs: round(cloneLarge, 2), samplesMs: cloneMs[LARGE].map((x) => round(x, 2))},
      ratioLargeToSmall: round(cloneLarge / cloneSmall, 2),
    }
    log(`clone: ${round(cloneSmall, 2)} ms (${SMALL} MiB), ${round(cloneLarge, 2)} ms (${LARGE} MiB)`)
    target('clone.largeMs', cloneLarge, cloneLarge <= 100, `clone of ${LARGE} MiB <= 100 ms`)
    target('clone.ratioLargeToSmall', cloneLarge / cloneSmall, cloneLarge <= 1.5 * cloneSmall, `clone of ${LARGE} MiB within 1.5x of ${SMALL} MiB`)

    // (b) Full copies at VDL, and (d) point-in-time restores (full copies) at the middle of the history.
    const copies = (at: (s: Source) => number, tag: string) =>
      SIZES.map((mib) => {
        const source = sources.get(mib)!
        const lsn = at(source)
        const reps = mib === LARGE ? 1 : 3
        const samples: number[] = []
        for (let rep = 0; rep < reps; rep++) {
          const id = newId(tag)
          const {ms, value: copy} = timed(() => registry.copy(REGION, source.id, lsn, id))
          samples.push(ms)
          // Reading back is cheap next to writing (about 1 s per GiB): every size is checked once.
          if (rep === 0 && copy.contentChecksum().crc32 !== source.volume.contentChecksum(lsn).crc32) throw new Error(`${tag} of ${mib} MiB: content differs`)
          registry.drop(REGION, id)
        }
        const ms = median(samples)
        log(`${tag} ${mib} MiB: ${Math.round(ms)} ms (${round((mib / ms) * 1000)} MiB/s)`)
        return {mib, medianMs: Math.round(ms), samplesMs: samples.map((x) => Math.round(x)), mibPerSecond: round((mib / ms) * 1000), msPerMiB: round(ms / mib, 2)}
      })
    const fullCopy = copies((s) => s.volume.vdl, 'copy')
    const largeCopyMs = fullCopy[2].medianMs
    results.fullCopy = {sizes: fullCopy, ratioCopyToClone: round(largeCopyMs / cloneLarge)}
    target('fullCopy.ratioToClone', largeCopyMs / cloneLarge, largeCopyMs >= 20 * cloneLarge, `full copy of ${LARGE} MiB >= 20x its clone`)
    const pitr = copies((s) => s.history[HISTORY_COMMITS / 2 - 1], 'pitr')
    results.pointInTimeRestore = {sizes: pitr, growthLargeToSmall: round(pitr[2].medianMs / pitr[0].medianMs, 1), sizeRatio: LARGE / SMALL}

    // (e) A clone that rewrites 1 % of its pages, folded into its own pages.
    const spaceClone = registry.clone(REGION, large.id, large.volume.vdl, newId('space'))
    const pages = (LARGE * MiB) / BLOCK_SIZE
    const rewritten = Math.ceil(pages / 100)
    const random = new Prng(7)
    const chosen = new Set<number>()
    while (chosen.size < rewritten) chosen.add(random.int(pages))
    const list = [...chosen]
    for (let i = 0; i < list.length; i += FILL_BATCH) spaceClone.commit(list.slice(i, i + FILL_BATCH).map((b) => page(b, 99)))
    spaceClone.coalesce(true)
    const cloneUsed = spaceClone.usedBytes()
    const sourceUsed = large.volume.usedBytes()
    const cloneDisk = directoryBytes(path.join(home, 'volumes', REGION, spaceClone.id))
    const sourceDisk = directoryBytes(path.join(home, 'volumes', REGION, large.id))
    results.cloneSpace = {
      pagesRewritten: rewritten,
      cloneUsedMiB: round(cloneUsed / MiB, 2),
      sourceUsedMiB: round(sourceUsed / MiB, 2),
      usedRatio: round(cloneUsed / sourceUsed, 4),
      cloneDiskMiB: round(cloneDisk / MiB, 2),
      sourceDiskMiB: round(sourceDisk / MiB, 2),
      diskRatio: round(cloneDisk / sourceDisk, 4),
    }
    target('cloneSpace.usedRatio', cloneUsed / sourceUsed, cloneUsed <= 0.02 * sourceUsed, 'clone after rewriting 1% of pages uses <= 2% of its source')
    registry.drop(REGION, spaceClone.id)

    // (c) Backtrack of the large volume to before its last commits: back and forth, then a write after it.
    const volume = large.volume
    const latest = volume.vdl
    const back = large.history[HISTORY_COMMITS - BACKTRACK_COMMITS - 1]
    const rewindMs: number[] = []
    const forwardMs: number[] = []
    for (let rep = 0; rep < 5; rep++) {
      rewindMs.push(timed(() => volume.rewind(back)).ms)
      forwardMs.push(timed(() => volume.rewind(latest)).ms)
    }
    const {ms: rewindThenWriteMs} = timed(() => {
      volume.rewind(back)
      volume.commit([page(0, 1000)])
    })
    if (volume.readBlock(1, volume.vdl).join() !== volume.asOf(back).readBlock(1).join()) throw new Error('backtrack: wrong image')
    results.backtrack = {
      mib: LARGE,
      commitsUndone: BACKTRACK_COMMITS,
      rewindMedianMs: round(median(rewindMs), 2),
      forwardMedianMs: round(median(forwardMs), 2),
      rewindThenFirstWriteMs: round(rewindThenWriteMs, 2),
    }
    target('backtrack.rewindThenFirstWriteMs', rewindThenWriteMs, rewindThenWriteMs <= 1000, `rewind of ${LARGE} MiB and its first write <= 1 s`)
  } finally {
    registry.close()
    fs.rmSync(home, {recursive: true, force: true})
  }
  const out = {
    benchmark: 'time-travel',
    machine: machine(),
    quick,
    elapsedMs: Date.now() - started,
    peakRssMiB: round((process.resourceUsage().maxRSS * 1024) / MiB),
    results,
    checks,
    targetsMissed: checks.filter((c) => !c.ok).map((c) => c.name),
  }
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`)
  if (check && out.targetsMissed.length > 0) process.exitCode = 1
}

main()
