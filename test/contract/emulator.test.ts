import {afterAll, beforeAll, describe, it} from 'vitest'

import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cli} from '../helpers/process.js'
import {lifecycleScenario} from './lifecycle.js'

// Requires `npm run build` first (the README's test command does it).
describe('contract: local backend against the emulator daemon', () => {
  let local: LocalHome
  beforeAll(() => {
    local = localHome('fast')
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('runs the cluster lifecycle', async () => {
    await lifecycleScenario((args, input) => cli(args, {env: local.env, input}), 'contract-local')
  })
})
