import {describe} from 'vitest'

import {simulationSuite} from './simulation-suite.js'

describe('storage simulation (seeds 5,001–10,000)', () => simulationSuite(5_001, 5_000))
