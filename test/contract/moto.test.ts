import {afterAll, beforeAll, describe, it} from 'vitest'

import {MOTO_ENV, type Moto, startMoto} from '../helpers/moto.js'
import {cli} from '../helpers/process.js'
import {lifecycleScenario} from './lifecycle.js'

// Requires `npm run build` first (the README's test command does it).
describe('contract: aws backend against moto_server', () => {
  let moto: Moto
  beforeAll(async () => {
    moto = await startMoto()
  })
  afterAll(async () => {
    await moto?.stop()
  })

  it('runs the cluster lifecycle', async () => {
    const target = ['--backend', 'aws', '--endpoint-url', moto.endpoint, '--region', 'us-east-1']
    await lifecycleScenario((args, input) => cli([...args, ...target], {env: MOTO_ENV, input}), 'contract-moto')
  })
})
