import {describe, expect, it} from 'vitest'

import {simulate} from './simulator.js'

/**
 * Seeded simulation of the storage volume under faults. STORAGE_SIM_SEED replays one
 * seed; STORAGE_SIM_SEEDS sets how many run (CI: 10,000) from STORAGE_SIM_FROM;
 * `npm run soak` runs 200,000 more.
 */
const replay = process.env.STORAGE_SIM_SEED
const first = Number(process.env.STORAGE_SIM_FROM ?? 1)
const seeds = replay ? [Number(replay)] : Array.from({length: Number(process.env.STORAGE_SIM_SEEDS ?? 10_000)}, (_, i) => first + i)

describe('storage simulation', () => {
  it(`holds every invariant over ${seeds.length} seeded fault schedules`, {timeout: 900_000}, () => {
    const totals = {commits: 0, acknowledged: 0, refused: 0, recoveries: 0, repairs: 0}
    for (const seed of seeds) {
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
    console.error(`storage simulation: ${seeds.length} seeds, ${JSON.stringify(totals)}`)
  })
})
