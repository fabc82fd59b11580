import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Prng} from '../../src/lib/emulator/prng.js'
import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cli, pidAlive, ROOT, waitFor} from '../helpers/process.js'

/** The daemon process itself (no CLI in between), so the 50 crash points cost little besides the crashes. */
async function startDaemonDirectly(local: LocalHome): Promise<{endpoint: string; pid: number}> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/lib/emulator/daemon.js')], {env: {...process.env, ...local.env}, stdio: 'ignore'})
  const infoFile = path.join(local.home, 'daemon.json')
  let info: {endpoint: string; pid: number} | undefined
  await waitFor(async () => {
    info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as {endpoint: string; pid: number}
    return info.pid === child.pid
  }, 10_000, 'the daemon to start')
  return info!
}

// kill -9 of the daemon at random points of a write load; requires `npm run build` first.
describe('the daemon killed with SIGKILL under a write load', () => {
  let local: LocalHome
  beforeAll(async () => {
    local = localHome('instant')
    expect((await cli(['cluster', 'create', 'crash', '--instances', '1', '--master-password-stdin'], {env: local.env, input: 'pa55word-ok\n'})).code).toBe(0)
    // The test starts (and kills) daemons itself from here on.
    expect((await cli(['local', 'stop'], {env: local.env})).code).toBe(0)
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('loses no acknowledged write, at 50 random points', async () => {
    const random = new Prng(Number(process.env.DAEMON_CRASH_SEED ?? 7))
    const points = Number(process.env.DAEMON_CRASH_POINTS ?? 50)
    let acknowledged = 0
    for (let point = 0; point < points; point++) {
      const {endpoint, pid} = await startDaemonDirectly(local)
      const write = async () => {
        for (;;) {
          const response = await fetch(`${endpoint}/_auroractl/volume/write`, {method: 'POST', body: JSON.stringify({cluster: 'crash', records: 25})})
          const {vdl} = (await response.json()) as {vdl: number}
          acknowledged = Math.max(acknowledged, vdl)
        }
      }
      const load = write().catch(() => undefined)
      await new Promise((r) => setTimeout(r, 20 + random.int(300)))
      process.kill(pid, 'SIGKILL')
      await load
      await waitFor(async () => !pidAlive(pid), 5000, 'the daemon to die')
    }
    const after = await cli(['local', 'volume', 'crash', '--json'], {env: local.env})
    const report = JSON.parse(after.stdout) as {vdl: number; protectionGroups: {segments: {state: string}[]}[]}
    expect(acknowledged).toBeGreaterThan(0)
    expect(report.vdl).toBeGreaterThanOrEqual(acknowledged)
    expect(report.protectionGroups[0].segments.every((s) => s.state === 'healthy')).toBe(true)
  }, 300_000)
})
