import {type ChildProcess, spawn} from 'node:child_process'

import {freePort, pidAlive, waitFor} from './process.js'

export interface Moto {
  endpoint: string
  pid: number
  stop(): Promise<void>
}

/** A moto_server of our own on a free loopback port, stopped by its pid. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort()
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {stdio: 'ignore'})
  const endpoint = `http://127.0.0.1:${port}`
  await waitFor(async () => (await fetch(`${endpoint}/moto-api/`)).status < 500, 20_000, 'moto_server to listen')
  const pid = child.pid!
  return {
    endpoint,
    pid,
    async stop() {
      process.kill(pid, 'SIGTERM')
      await waitFor(async () => !pidAlive(pid), 10_000, 'moto_server to exit').catch(() => process.kill(pid, 'SIGKILL'))
    },
  }
}

/** Environment for the aws backend against moto: any credentials, no AWS config files. */
export const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
}
