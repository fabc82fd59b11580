import {expect, it} from 'vitest'

import {simulate} from './simulator.js'

/**
 * Runs `count` seeds from `first` through the storage simulation. STORAGE_SIM_SEED replays
 * one seed; STORAGE_SIM_FROM and STORAGE_SIM_SEEDS override the range (`npm run soak` runs
 * 200,000 more). CI's 10,000 are split over two test files so both cores work on them.
 */
export function simulationSuite(first: number, count: number): void {
  const replay = process.env.STORAGE_SIM_SEED
  const from = Number(process.env.STORAGE_SIM_FROM ?? first)
  const total = Number(process.env.STORAGE_SIM_SEEDS ?? count)
  const seeds = replay ? [Number(replay)] : Array.from({length: total}, (_, i) => from + i)
  it(`holds every invariant over ${seeds.length} seeded fault schedules`, {timeout: 1_800_000}, async () => {
    const totals = {commits: 0, acknowledged: 0, refused: 0, recoveries: 0, repairs: 0}
    for (const [i, seed] of seeds.entries()) {
      // Yield now and then: vitest's worker must answer its runner, or it reports a timeout.
      if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve))
      const report = simulate({seed})
      for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += report[key]
    }
    // Over many seeds every kind of event must have happened, or the fault schedule is not doing its job.
    if (seeds.length >= 100) {
      expect(totals.acknowledged).toBeGreaterThan(0)
      expect(totals.refused).toBeGreaterThan(0)
      expect(totals.recoveries).toBeGreaterThan(0)
      expect(totals.repairs).toBeGreaterThan(0)
    }
    console.error(`storage simulation: seeds ${seeds[0]}–${seeds[seeds.length - 1]}, ${JSON.stringify(totals)}`)
  })
}
