import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {pidAlive} from '../emulator/pid.js'

/** What the daemon writes to <home>/daemon.json once it is listening. */
export interface DaemonInfo {
  pid: number
  port: number
  endpoint: string
  home: string
  timing: string
  seed?: number | string
  startedAt: string
  version: string
}

export type DaemonStatus = ({running: true} & DaemonInfo) | {running: false; home: string}

export type Timing = 'instant' | 'fast' | 'realistic'
export const TIMINGS: readonly Timing[] = ['instant', 'fast', 'realistic']

const DAEMON_SCRIPT = fileURLToPath(new URL('../emulator/daemon.js', import.meta.url))
const START_TIMEOUT_MS = 15_000
const STOP_TIMEOUT_MS = 10_000
/** Exit code of a daemon that found another one holding the state directory. */
const ALREADY_RUNNING_EXIT = 3

function readInfo(home: string): DaemonInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(home, 'daemon.json'), 'utf8')) as DaemonInfo
    return pidAlive(info.pid) ? info : undefined
  } catch {
    return undefined
  }
}

async function admin(info: DaemonInfo, route: string, method: 'GET' | 'POST' = 'GET'): Promise<unknown> {
  const response = await fetch(`${info.endpoint}/_auroractl/${route}`, {method, signal: AbortSignal.timeout(5000)})
  if (!response.ok) throw new Error(`local emulator answered ${response.status} to ${route}`)
  return response.json()
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Status of the daemon for this state directory, asked of the daemon itself. */
export async function daemonStatus(home: string): Promise<DaemonStatus> {
  const info = readInfo(home)
  if (!info) return {running: false, home}
  try {
    const live = (await admin(info, 'status')) as DaemonInfo
    return {...info, ...live, running: true}
  } catch {
    return {running: false, home}
  }
}

export interface StartOptions {
  timing?: Timing
  port?: number
}

/**
 * Starts the daemon detached (it outlives this process) and waits until it answers.
 * Two CLIs racing to start it are safe: the daemon takes an exclusive lock, the loser
 * exits, and both callers end up talking to the winner.
 */
export async function startDaemon(home: string, options: StartOptions = {}): Promise<{info: DaemonInfo; started: boolean}> {
  const running = readInfo(home)
  if (running) return {info: running, started: false}
  fs.mkdirSync(home, {recursive: true})
  const log = fs.openSync(path.join(home, 'daemon.log'), 'a')
  const env: NodeJS.ProcessEnv = {...process.env, AURORACTL_HOME: home}
  if (options.timing) env.AURORACTL_TIMING = options.timing
  if (options.port !== undefined) env.AURORACTL_LOCAL_PORT = String(options.port)
  const child = spawn(process.execPath, [DAEMON_SCRIPT], {detached: true, stdio: ['ignore', log, log], env})
  fs.closeSync(log)
  let exitCode: number | null = null
  child.on('exit', (code) => {
    exitCode = code ?? 1
  })
  child.unref()
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    const info = readInfo(home)
    if (info && (info.pid === child.pid || exitCode === ALREADY_RUNNING_EXIT)) {
      try {
        await admin(info, 'status')
        return {info, started: info.pid === child.pid}
      } catch {
        // listening is announced before the first request is served; try again
      }
    }
    if (exitCode !== null && exitCode !== ALREADY_RUNNING_EXIT) {
      throw new Error(`the local emulator exited with code ${exitCode} while starting; see ${path.join(home, 'daemon.log')}`)
    }
    await sleep(25)
  }
  throw new Error(`the local emulator did not start within ${START_TIMEOUT_MS / 1000}s; see ${path.join(home, 'daemon.log')}`)
}

/** Asks the daemon to shut down and waits for its process to end. Returns false if none ran. */
export async function stopDaemon(home: string): Promise<boolean> {
  const info = readInfo(home)
  if (!info) return false
  try {
    await admin(info, 'shutdown', 'POST')
  } catch {
    process.kill(info.pid, 'SIGTERM')
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS
  while (pidAlive(info.pid)) {
    if (Date.now() > deadline) {
      process.kill(info.pid, 'SIGKILL')
      break
    }
    await sleep(25)
  }
  return true
}

const STATE_FILES = ['state.db', 'state.db-wal', 'state.db-shm']

/** Wipes every region's emulator state; a running daemon does it itself and keeps running. */
export async function resetState(home: string): Promise<{running: boolean}> {
  const info = readInfo(home)
  if (info) {
    await admin(info, 'reset', 'POST')
    return {running: true}
  }
  for (const file of STATE_FILES) fs.rmSync(path.join(home, file), {force: true})
  return {running: false}
}
