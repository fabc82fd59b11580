import fs from 'node:fs'
import path from 'node:path'

import {cli, pidAlive, tempDir, waitFor} from './process.js'

export interface LocalHome {
  home: string
  env: NodeJS.ProcessEnv
  /** Stops this home's daemon by the pid it recorded, then removes the directory. */
  cleanup(): Promise<void>
}

/** A private state directory for the local emulator, so tests never share a daemon. */
export function localHome(timing: 'instant' | 'fast' | 'realistic' = 'instant'): LocalHome {
  const home = tempDir('home')
  const env = {AURORACTL_HOME: home, AURORACTL_TIMING: timing}
  return {
    home,
    env,
    async cleanup() {
      const infoFile = path.join(home, 'daemon.json')
      if (fs.existsSync(infoFile)) {
        const {pid} = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as {pid: number}
        await cli(['local', 'stop'], {env})
        if (pidAlive(pid)) process.kill(pid, 'SIGKILL')
        await waitFor(async () => !pidAlive(pid), 10_000, `daemon ${pid} to exit`)
      }
      fs.rmSync(home, {recursive: true, force: true})
    },
  }
}
