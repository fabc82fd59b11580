// Shared pieces of the benchmarks: processes, ports, statistics, the machine, the JSON report.
// Every process a benchmark starts is stopped by its pid; nothing is left running.

import {execFileSync, spawn} from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = path.join(ROOT, 'bin', 'run.js')
export const DAEMON_JS = path.join(ROOT, 'dist', 'lib', 'emulator', 'daemon.js')
export const REGION = 'us-east-1'
/** Any credentials do for the emulator and moto; no AWS config files are read. */
export const FAKE_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIABENCHMARK0000000',
  AWS_SECRET_ACCESS_KEY: 'benchmark',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
}

/** An SDK client for the daemon or moto: fixed fake credentials, no retries (a benchmark measures single requests). */
export async function rdsClient(endpoint, extra = {}) {
  const {RDSClient} = await import('@aws-sdk/client-rds')
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'
  return new RDSClient({
    region: REGION,
    endpoint,
    credentials: {accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY},
    maxAttempts: 1,
    ...extra,
  })
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** The environment without the caller's AWS or auroractl settings, so runs are comparable. */
export function cleanEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|AURORACTL_)/.test(k)))
  return {...env, NO_COLOR: '1', ...extra}
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

export function pidAlive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

export async function waitFor(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (await check()) return
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/** Stops a process by its pid: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopPid(pid, graceMs = 5000) {
  if (!pidAlive(pid)) return
  process.kill(pid, 'SIGTERM')
  try {
    await waitFor(() => !pidAlive(pid), graceMs, `pid ${pid} to exit`)
  } catch {
    process.kill(pid, 'SIGKILL')
  }
}

/** Runs a command to completion; resolves with its exit code, output and wall time (spawn to exit) in ms. */
export function runTimed(command, args, {env = cleanEnv(), input} = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(command, args, {env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr, ms: performance.now() - started}))
    if (input !== undefined) child.stdin.end(input)
  })
}

/** Like runTimed, but a non-zero exit is an error. */
export async function runOk(command, args, options) {
  const result = await runTimed(command, args, options)
  if (result.code !== 0) throw new Error(`\`${[command, ...args].join(' ')}\` exited ${result.code}: ${result.stderr.trim()}`)
  return result
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** Nearest-rank percentile. */
export function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]
}

export const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits

export function stats(values) {
  return {median: round(median(values)), p95: round(percentile(values, 95)), min: round(Math.min(...values)), max: round(Math.max(...values)), n: values.length}
}

/** Each round runs every entry once, in an order rotated from round to round, so drift hits all alike. */
export async function interleaved(rounds, entries, runOne) {
  const times = Object.fromEntries(entries.map((e) => [e, []]))
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[(r + i) % entries.length]
      times[entry].push(await runOne(entry))
    }
  }
  return times
}

function quiet(command, args) {
  try {
    return execFileSync(command, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
  } catch {
    return undefined
  }
}

export function machine() {
  const cpus = os.cpus()
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    memoryGiB: round(os.totalmem() / 2 ** 30),
    loadavg: os.loadavg().map((x) => round(x, 2)),
  }
}

export function awsCliVersion(aws = 'aws') {
  const text = quiet(aws, ['--version'])
  return text?.split(/\s+/)[0]
}

/** A moto_server of our own on a free loopback port. */
export async function startMoto() {
  const port = await freePort()
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {stdio: 'ignore', detached: false})
  const endpoint = `http://127.0.0.1:${port}`
  await waitFor(async () => (await globalThis.fetch(`${endpoint}/moto-api/`)).status < 500, 30_000, 'moto_server to listen')
  return {endpoint, pid: child.pid, stop: () => stopPid(child.pid)}
}

/**
 * The local emulator daemon for a fresh temporary AURORACTL_HOME, started the way users start
 * it (`auroractl local start`) and stopped with `auroractl local stop`, then by its pid.
 */
export async function startLocal({timing = 'instant'} = {}) {
  if (!fs.existsSync(DAEMON_JS)) throw new Error(`${path.relative(ROOT, DAEMON_JS)} is missing: run \`npm run build\` (the emulator daemon must be in this build)`)
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'auroractl-bench-'))
  const env = cleanEnv({AURORACTL_HOME: home})
  const started = await runOk(process.execPath, [BIN, 'local', 'start', '--timing', timing, '--json'], {env})
  const info = JSON.parse(started.stdout)
  return {
    home,
    env,
    endpoint: info.endpoint,
    pid: info.pid,
    startMs: started.ms,
    async stop() {
      await runTimed(process.execPath, [BIN, 'local', 'stop'], {env})
      await stopPid(info.pid)
      fs.rmSync(home, {recursive: true, force: true})
    },
  }
}

export function rssMiB(pid) {
  const kib = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1])
  return round(kib / 1024)
}

/**
 * Prints the result as JSON on stdout. With --check, exits 1 when a target was missed
 * (`targets`: name → {met: boolean, ...}); without it, always 0.
 */
export function report(result, check) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  const missed = Object.entries(result.targets ?? {}).filter(([, t]) => !t.met)
  if (missed.length) process.stderr.write(`target missed: ${missed.map(([name]) => name).join(', ')}\n`)
  if (check && missed.length) process.exitCode = 1
}

/**
 * The write loop of the failover benchmarks: one INSERT at a time into `table`, a fresh id per attempt (so an
 * attempt of unknown outcome never collides), reconnecting through `open()` → {client, target} after an error.
 * Acks are {id, at, target}, errors {at, message}, `at` in performance.now() ms. `stop()` ends it (also on cleanup).
 */
export function writeLoop({open, table, onCleanup}) {
  const acks = []
  const errors = []
  let nextId = 1
  let running = true
  let client
  let target
  const loop = (async () => {
    while (running) {
      try {
        if (!client) ({client, target} = await open())
        const id = nextId++
        await client.query(`INSERT INTO ${table} (id) VALUES ($1)`, [id])
        acks.push({id, at: performance.now(), target})
      } catch (error) {
        errors.push({at: performance.now(), message: error.message})
        const dead = client
        client = undefined
        dead?.end().catch(() => undefined)
        await sleep(5)
      }
    }
  })()
  let stopped
  const stop = () => (stopped ??= (async () => {
    running = false
    await loop
    await client?.end().catch(() => undefined)
  })())
  onCleanup(stop)
  return {acks, errors, stop}
}

/** Runs `body` with cleanups that always run (in reverse order), also on SIGINT/SIGTERM. */
export async function withCleanup(body) {
  const cleanups = []
  let cleaning
  const cleanup = () => (cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn()
      } catch (error) {
        process.stderr.write(`cleanup: ${error.message}\n`)
      }
    }
  })())
  const onSignal = (signal) => {
    cleanup().then(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    return await body((fn) => cleanups.push(fn))
  } finally {
    await cleanup()
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
  }
}
