import {spawn, type ChildProcess} from 'node:child_process'
import {execFile} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {ManualClock} from '../../src/lib/emulator/clock.js'
import {RdsFault} from '../../src/lib/emulator/control/faults.js'
import {ControlPlane} from '../../src/lib/emulator/control/plane.js'
import {Store} from '../../src/lib/emulator/control/store.js'
import type {ReplicationService} from '../../src/lib/emulator/control/replication.js'
import {timingProfile, type TimingProfileName} from '../../src/lib/emulator/control/timing.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import {StorageRegistry} from '../../src/lib/emulator/storage/registry.js'
import {DEFAULT_REPAIR} from '../../src/lib/emulator/storage/volume.js'
import {StorageVolumes} from '../../src/lib/emulator/storage-volumes.js'
import {GlobalReplication} from '../../src/lib/emulator/global-replication.js'

export const REPO_ROOT = resolve(import.meta.dirname, '../..')
export const DAEMON_JS = join(REPO_ROOT, 'dist/lib/emulator/daemon.js')

/**
 * An in-process control plane on an in-memory SQLite database, in-memory volumes and a ManualClock; cross-Region
 * replication delivers only when its `pump()` is called, unless a test gives a replication of its own.
 */
export function makePlane(
  timing: TimingProfileName = 'fast', seed = 1, given?: ReplicationService,
): {plane: ControlPlane; clock: ManualClock; store: Store; registry: StorageRegistry; replication: ReplicationService} {
  const clock = new ManualClock()
  const store = new Store(':memory:')
  const registry = new StorageRegistry({clock, repair: DEFAULT_REPAIR})
  const replication = given ?? new GlobalReplication(registry, clock, false)
  const plane = new ControlPlane({
    clock, prng: new Prng(seed), store, timing: timingProfile(timing), volumes: new StorageVolumes(registry), replication,
  })
  return {plane, clock, store, registry, replication}
}

/** The fault `fn` throws (its code, HTTP status and message); anything else, or no fault, fails the test. */
export function fault(fn: () => unknown): {code: string; httpStatus: number; message: string} {
  try {
    fn()
  } catch (error) {
    if (error instanceof RdsFault) return {code: error.code, httpStatus: error.httpStatus, message: error.message}
    throw error
  }
  throw new Error('expected a fault')
}

export const PG_CLUSTER = {Engine: 'aurora-postgresql', MasterUsername: 'master', MasterUserPassword: 'secret-pass-1'}

export interface Daemon {
  home: string
  pid: number
  port: number
  endpoint: string
  process: ChildProcess
  stderr: () => string
}

/** Starts the built daemon (run `npm run build` first) and waits for daemon.json. */
export async function startDaemon(env: Record<string, string> = {}, home = mkdtempSync(join(tmpdir(), 'auroractl-emu-'))): Promise<Daemon> {
  if (!existsSync(DAEMON_JS)) throw new Error(`${DAEMON_JS} is missing: run \`npm run build\` before these tests`)
  const child = spawn(process.execPath, [DAEMON_JS], {
    env: {...process.env, AURORACTL_HOME: home, AURORACTL_TIMING: 'fast', ...env},
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const info = join(home, 'daemon.json')
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (existsSync(info)) {
      const parsed = JSON.parse(readFileSync(info, 'utf8')) as {pid: number; port: number; endpoint: string}
      if (parsed.pid === child.pid) return {home, pid: parsed.pid, port: parsed.port, endpoint: parsed.endpoint, process: child, stderr: () => stderr}
    }
    if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode}: ${stderr}`)
    await sleep(20)
  }
  throw new Error(`daemon did not start: ${stderr}`)
}

/** Stops a daemon by pid and waits for it to exit. */
export async function stopDaemon(daemon: Daemon, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (daemon.process.exitCode !== null) return daemon.process.exitCode
  const exited = new Promise<number | null>((r) => daemon.process.once('exit', (code) => r(code)))
  process.kill(daemon.pid, signal)
  return exited
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface AwsResult {
  code: number
  stdout: string
  stderr: string
  json: any // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Runs `aws rds <args>` against the daemon, with dummy credentials and no config. */
export function awsRds(daemon: Daemon, args: string[], region = 'us-east-1'): Promise<AwsResult> {
  return new Promise((resolvePromise) => {
    execFile('aws', ['rds', ...args, '--endpoint-url', daemon.endpoint, '--region', region, '--output', 'json'], {
      env: {
        PATH: process.env.PATH ?? '', HOME: daemon.home, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_PAGER: '',
        AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_MAX_ATTEMPTS: '1',
      },
    }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      let json: unknown
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined
      } catch {
        json = undefined
      }
      resolvePromise({code, stdout, stderr, json})
    })
  })
}

/** A raw Query-protocol request (for what the aws CLI would refuse to send). */
export async function rawQuery(
  daemon: Daemon, body: string | Buffer, headers: Record<string, string> = {},
): Promise<{status: number; text: string}> {
  const res = await fetch(`${daemon.endpoint}/`, {
    method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers},
    body,
  })
  return {status: res.status, text: await res.text()}
}

export function form(params: Record<string, string>): string {
  return new URLSearchParams({Version: '2014-10-31', ...params}).toString()
}

/** Region-wide state as XML with RequestIds (and windows that move with the clock) removed, to prove a rejected request changed nothing. */
export async function snapshotState(daemon: Daemon, region = 'us-east-1'): Promise<string> {
  const auth = {Authorization: `AWS4-HMAC-SHA256 Credential=x/20261125/${region}/rds/aws4_request, SignedHeaders=host, Signature=0`}
  const parts: string[] = []
  for (const action of ['DescribeDBClusters', 'DescribeDBInstances', 'DescribeDBClusterSnapshots']) {
    const {text} = await rawQuery(daemon, form({Action: action}), auth)
    // Windows measured from now move on their own; they are not state a request changed.
    parts.push(text.replace(/<RequestId>[^<]*<\/RequestId>/, '').replace(/<(LatestRestorableTime|EarliestBacktrackTime)>[^<]*<\/\1>/g, ''))
  }
  return parts.join('\n')
}

export function errorCode(xml: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(xml)?.[1]
}
