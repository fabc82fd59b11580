/**
 * The emulator daemon: `node dist/lib/emulator/daemon.js`, configured by environment:
 *   AURORACTL_HOME (required), AURORACTL_LOCAL_PORT (default 0 = any free port),
 *   AURORACTL_TIMING (instant|fast|realistic, default fast), AURORACTL_SEED (optional).
 * One daemon per state directory (daemon.lock); daemon.json describes the running daemon; logs go to stderr.
 * Exit codes: 0 clean shutdown, 1 unexpected start-up failure, 2 bad configuration or port unavailable, 3 already running.
 *
 * It serves, on 127.0.0.1 only, the RDS Query API at `/` and a JSON admin API:
 *   GET  /_auroractl/status         {running, pid, endpoint, home, timing, seed, startedAt, version}
 *   POST /_auroractl/shutdown       replies, then exits 0 (SQLite closed, daemon.json and daemon.lock removed)
 *   POST /_auroractl/reset          wipes every Region's state and keeps running
 *   GET  /_auroractl/clock          {offsetMs, now}: the emulator's time
 *   POST /_auroractl/clock/advance  body {"ms": N}: moves the emulator's clock forward (persisted in state.db)
 *   GET  /_auroractl/compute?region=&cluster=  SQL endpoints (127.0.0.1 ports), engines, replica read-points and lag
 *   POST /_auroractl/kill-instance  body {"region", "instance"}: the instance's engine dies; a writer fails over
 *   GET  /_auroractl/global?id=     a global database's replication: per secondary lag, link, bytes shipped; the last failover's loss
 *   GET  /_auroractl/links          links between Regions changed from their defaults
 *   POST /_auroractl/link           body {"a", "b", "latencyMs"?, "up"?}: sets a link's latency or takes it down / up
 */
import {closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {join, resolve} from 'node:path'
import {createRdsServer, listenOnLoopback} from './api/server.js'
import {SystemClock} from './clock.js'
import {CLOCK_OFFSET_KEY, ControlPlane} from './control/plane.js'
import {Store} from './control/store.js'
import {isTimingProfileName, timingProfile} from './control/timing.js'
import {Prng, seedFromEnv} from './prng.js'
import {ComputeAdmin} from './compute-admin.js'
import {pidAlive} from './pid.js'
import {StorageAdmin, storageRegistry} from './storage-admin.js'
import {StorageVolumes} from './storage-volumes.js'
import {GlobalReplication} from './global-replication.js'

/** How often the scheduler checks for due transitions (the fast profile's steps are a few hundred ms). */
const TICK_INTERVAL_MS = 50
/** Storage background work runs every fourth tick (200 ms). */
const STORAGE_TICKS = 4

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`)
}

function fail(code: number, message: string): never {
  process.stderr.write(`${message}\n`)
  process.exit(code)
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {version?: string}
    return pkg.version ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

/** Takes `<home>/daemon.lock` (O_EXCL, holding our pid), taking over a lock whose owner is dead. */
function acquireLock(path: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      let owner = NaN
      try {
        owner = Number.parseInt(readFileSync(path, 'utf8'), 10)
      } catch {
        // Unreadable or vanished lock: treat as stale.
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && pidAlive(owner)) {
        fail(3, `already running (pid ${owner})`)
      }
      rmSync(path, {force: true})
    }
  }
  fail(3, `could not take the lock ${path}`)
}

function writeJsonAtomically(path: string, value: unknown): void {
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`)
  renameSync(temp, path)
}

async function main(): Promise<void> {
  const startedAtMs = Date.now()
  if (!process.env.AURORACTL_HOME) fail(2, 'AURORACTL_HOME must be set to the state directory')
  const home = resolve(process.env.AURORACTL_HOME)
  const timingName = process.env.AURORACTL_TIMING || 'fast'
  if (!isTimingProfileName(timingName)) fail(2, `AURORACTL_TIMING must be instant, fast or realistic, got "${timingName}"`)
  const portText = process.env.AURORACTL_LOCAL_PORT || '0'
  const requestedPort = Number(portText)
  if (!/^\d+$/.test(portText) || requestedPort > 65535) fail(2, `AURORACTL_LOCAL_PORT must be a port number, got "${portText}"`)
  let seed: number
  try {
    seed = seedFromEnv(process.env.AURORACTL_SEED)
  } catch (error) {
    fail(2, (error as Error).message)
  }

  mkdirSync(home, {recursive: true})
  const lockPath = join(home, 'daemon.lock')
  const infoPath = join(home, 'daemon.json')
  acquireLock(lockPath)

  const store = new Store(join(home, 'state.db'))
  const clock = new SystemClock(Number(store.readMeta(CLOCK_OFFSET_KEY) ?? '0'))
  const prng = new Prng(seed)
  const timing = timingProfile(timingName)
  const registry = storageRegistry(clock, timing, home)
  const replication = new GlobalReplication(registry, clock)
  const plane = new ControlPlane({clock, prng, store, timing, volumes: new StorageVolumes(registry), replication})
  const storage = new StorageAdmin(plane, registry, clock)
  storage.reconcile()
  storage.openPersisted()
  replication.resume(plane.clusterRefs())
  const compute = new ComputeAdmin(plane, storage, clock, log)
  const version = packageVersion()
  let endpoint = ''
  let startedAt = ''

  let shuttingDown = false
  let ticker: NodeJS.Timeout | undefined = undefined
  const shutdown = (reason: string) => {
    if (shuttingDown) return
    shuttingDown = true
    log(`shutting down (${reason})`)
    if (ticker) clearInterval(ticker)
    // Engines are fenced, not shut down cleanly: everything acknowledged is already durable on the volume.
    void compute.close()
    replication.close()
    storage.close()
    server.close()
    server.closeAllConnections()
    store.close()
    rmSync(infoPath, {force: true})
    rmSync(lockPath, {force: true})
    process.exit(0)
  }

  const server = createRdsServer({
    plane,
    prng,
    log,
    storage,
    compute,
    replication,
    admin: {
      status: () => ({running: true, pid: process.pid, endpoint, home, timing: timingName, seed, startedAt, version}),
      shutdown: () => shutdown('admin request'),
      advanceClock: (ms) => {
        clock.advance(ms)
        plane.persistClockOffset(clock.offset)
        plane.tick()
        log(`clock advanced by ${ms} ms (offset now ${clock.offset} ms)`)
        return {offsetMs: clock.offset, now: new Date(clock.now()).toISOString()}
      },
      clock: () => ({offsetMs: clock.offset, now: new Date(clock.now()).toISOString()}),
    },
  })
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('uncaughtException', (error) => log(`uncaught error: ${error.stack ?? error.message}`))

  let port: number
  try {
    port = await listenOnLoopback(server, requestedPort)
  } catch (error) {
    rmSync(lockPath, {force: true})
    fail(2, `cannot listen on 127.0.0.1:${requestedPort}: ${(error as Error).message}`)
  }
  endpoint = `http://127.0.0.1:${port}`
  startedAt = new Date().toISOString()
  writeJsonAtomically(infoPath, {pid: process.pid, port, endpoint, home, timing: timingName, seed, startedAt, version})
  log(`auroractl emulator ${version} listening on ${endpoint} (pid ${process.pid}, timing ${timingName}, seed ${seed}, home ${home}, ready in ${Date.now() - startedAtMs} ms)`)

  let ticks = 0
  ticker = setInterval(() => {
    try {
      const due = plane.nextDueAt()
      if (due !== undefined && due <= clock.now()) plane.tick()
      compute.tick()
      // Storage background work (gossip, repair, coalescing) and dropping the volumes of deleted clusters.
      if (++ticks % STORAGE_TICKS === 0) {
        storage.reconcile()
        storage.tick()
      }
    } catch (error) {
      log(`scheduler error: ${(error as Error).stack ?? String(error)}`)
    }
  }, TICK_INTERVAL_MS)
}

main().catch((error: unknown) => fail(1, `daemon failed to start: ${(error as Error).stack ?? String(error)}`))
