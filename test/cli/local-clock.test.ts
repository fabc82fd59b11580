import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {backendNow, openRds} from '../../src/lib/rds/client.js'
import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cli, type RunResult} from '../helpers/process.js'

interface Clock {
  offsetMs: number
  now: string
}

function json<T>(result: RunResult): T {
  expect(result.code, `exit ${result.code}; stderr: ${result.stderr}`).toBe(0)
  return JSON.parse(result.stdout) as T
}

// The built CLI as a process against its own daemon. Requires `npm run build` first.
describe('local clock', () => {
  let local: LocalHome
  const run = (args: string[]) => cli(args, {env: local.env})
  beforeAll(() => {
    local = localHome('instant')
  })
  afterAll(async () => {
    vi.unstubAllEnvs()
    await local?.cleanup()
  })

  it('shows the emulator time, level with this machine at first', async () => {
    const clock = json<Clock>(await run(['local', 'clock', '--json']))
    expect(clock.offsetMs).toBe(0)
    expect(Math.abs(Date.parse(clock.now) - Date.now())).toBeLessThan(5000)
    const human = await run(['local', 'clock'])
    expect(human.stdout).toMatch(/^Emulator time \d{4}-\d\d-\d\dT[\d:.]+Z \(same as this machine\)\.\n$/)
  })

  it('moves it forward by a duration, and relative times on the local backend count from it', async () => {
    const advanced = json<Clock>(await run(['local', 'clock', 'advance', '3d', '--json']))
    expect(advanced.offsetMs).toBe(3 * 86_400_000)
    expect(Math.abs(Date.parse(advanced.now) - (Date.now() + 3 * 86_400_000))).toBeLessThan(5000)
    const human = await run(['local', 'clock', 'advance', '90m'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^Advanced the emulator's clock by 1h30m: now \S+ \(73h30m ahead of this machine\)\.\n$/)
    expect(json<Clock>(await run(['local', 'clock', '--json'])).offsetMs).toBe(3 * 86_400_000 + 5_400_000)

    vi.stubEnv('AURORACTL_HOME', local.home)
    const rds = await openRds({backend: 'local'})
    try {
      const now = await backendNow(rds)
      expect(Math.abs(now.getTime() - (Date.now() + 3 * 86_400_000 + 5_400_000))).toBeLessThan(5000)
    } finally {
      rds.client.destroy()
    }
  })

  it('refuses a bad duration and the aws backend with exit 2', async () => {
    const bad = await run(['local', 'clock', 'advance', 'soon'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/"soon" is not a duration/)
    const aws = await run(['local', 'clock', '--backend', 'aws'])
    expect(aws.code).toBe(2)
    expect(aws.stderr).toContain('`auroractl local clock` drives the local emulator only.')
  })
})
