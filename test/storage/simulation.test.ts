import {describe} from 'vitest'

import {simulationSuite} from './simulation-suite.js'

// The first half of CI's 10,000 seeds; simulation-second-half.test.ts runs the rest in another worker.
describe('storage simulation (seeds 1–5,000)', () => simulationSuite(1, 5_000))
