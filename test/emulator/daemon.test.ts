/**
 * Daemon process tests. They spawn dist/lib/emulator/daemon.js, so run `npm run build` first
 * (`npm test` does); every daemon started here is stopped by its pid.
 */
import Database from 'better-sqlite3'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {DAEMON_JS, form, rawQuery, sleep, startDaemon, stopDaemon, type Daemon} from './helpers.js'

const running: Daemon[] = []
afterEach(async () => {
  for (const d of running.splice(0)) await stopDaemon(d, 'SIGKILL')
})

async function start(env: Record<string, string> = {}, home?: string): Promise<Daemon> {
  const daemon = await startDaemon(env, home)
  running.push(daemon)
  return daemon
}

const clusterStatus = (xml: string) => /<Status>([^<]*)<\/Status>/.exec(xml)?.[1]

describe('daemon process', () => {
  // Cold-start time is a target measured by bench/daemon.mjs, not asserted here.
  it('starts, writes daemon.json and answers the admin status', async () => {
    const home = mkdtempSync(join(tmpdir(), 'auroractl-emu-'))
    const daemon = await start({AURORACTL_SEED: '1234'}, home)
    const status = (await (await fetch(`${daemon.endpoint}/_auroractl/status`)).json()) as {startedAt: string}
    const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8'))
    expect(info).toMatchObject({pid: daemon.pid, port: daemon.port, endpoint: `http://127.0.0.1:${daemon.port}`, home, timing: 'fast', seed: 1234, version: '0.1.0'})
    expect(status).toMatchObject({running: true, pid: daemon.pid, endpoint: daemon.endpoint, home, timing: 'fast', seed: 1234, version: '0.1.0'})
    expect(new Date(status.startedAt).toISOString()).toBe(status.startedAt)
    expect(readFileSync(join(home, 'daemon.lock'), 'utf8')).toBe(String(daemon.pid))
    expect(daemon.stderr()).toContain('seed 1234')
  })

  it('refuses bad configuration with exit 2 and a second daemon on the same home with exit 3', async () => {
    const home = mkdtempSync(join(tmpdir(), 'auroractl-emu-'))
    const bad = spawnSync(process.execPath, [DAEMON_JS], {env: {...process.env, AURORACTL_HOME: home, AURORACTL_TIMING: 'slow'}, encoding: 'utf8'})
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('AURORACTL_TIMING')
    const daemon = await start({}, home)
    const second = spawnSync(process.execPath, [DAEMON_JS], {env: {...process.env, AURORACTL_HOME: home}, encoding: 'utf8'})
    expect(second.status).toBe(3)
    expect(second.stderr).toContain(`already running (pid ${daemon.pid})`)
  })

  it('takes over a lock left by a dead process', async () => {
    const home = mkdtempSync(join(tmpdir(), 'auroractl-emu-'))
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'})
    writeFileSync(join(home, 'daemon.lock'), dead.stdout)
    const daemon = await start({}, home)
    expect(readFileSync(join(home, 'daemon.lock'), 'utf8')).toBe(String(daemon.pid))
  })

  it('an acknowledged CreateDBCluster survives SIGKILL and its pending transition resumes after restart', async () => {
    const home = mkdtempSync(join(tmpdir(), 'auroractl-emu-'))
    const first = await start({AURORACTL_TIMING: 'realistic'}, home)
    const created = await rawQuery(first, form({
      Action: 'CreateDBCluster', DBClusterIdentifier: 'durable', Engine: 'aurora-postgresql', MasterUsername: 'master', MasterUserPassword: 'secret-123',
    }))
    expect(created.status).toBe(200)
    process.kill(first.pid, 'SIGKILL')
    await new Promise((r) => first.process.once('exit', r))
    running.splice(running.indexOf(first), 1)

    // Under the realistic profile the cluster is still creating after the restart, with its transition still scheduled.
    const second = await start({AURORACTL_TIMING: 'realistic'}, home)
    const described = await rawQuery(second, form({Action: 'DescribeDBClusters', DBClusterIdentifier: 'durable'}))
    expect(described.status).toBe(200)
    expect(clusterStatus(described.text)).toBe('creating')
    const db = new Database(join(home, 'state.db'), {readonly: true})
    const timers = db.prepare("SELECT doc FROM timers WHERE doc LIKE '%cluster-created%'").all()
    db.close()
    expect(timers).toHaveLength(1)
  })

  it('resumes a short pending transition after SIGKILL (fast profile)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'auroractl-emu-'))
    const first = await start({}, home)
    await rawQuery(first, form({
      Action: 'CreateDBCluster', DBClusterIdentifier: 'quick', Engine: 'aurora-mysql', MasterUsername: 'master', MasterUserPassword: 'secret-123',
    }))
    process.kill(first.pid, 'SIGKILL')
    await new Promise((r) => first.process.once('exit', r))
    running.splice(running.indexOf(first), 1)
    const second = await start({}, home)
    let status: string | undefined
    for (let i = 0; i < 50 && status !== 'available'; i++) {
      status = clusterStatus((await rawQuery(second, form({Action: 'DescribeDBClusters', DBClusterIdentifier: 'quick'}))).text)
      await sleep(50)
    }
    expect(status).toBe('available')
    const events = await rawQuery(second, form({Action: 'DescribeEvents'}))
    expect(events.text).toContain('<Message>DB cluster created</Message>')
  })

  it('admin reset wipes state; admin shutdown exits 0 and removes daemon.json and the lock', async () => {
    const daemon = await start()
    await rawQuery(daemon, form({Action: 'CreateDBCluster', DBClusterIdentifier: 'gone', Engine: 'aurora-postgresql', MasterUsername: 'm', MasterUserPassword: 'secret-123'}))
    expect((await fetch(`${daemon.endpoint}/_auroractl/reset`, {method: 'POST'})).status).toBe(200)
    expect((await rawQuery(daemon, form({Action: 'DescribeDBClusters'}))).text).toContain('<DBClusters></DBClusters>')
    const exited = new Promise<number | null>((r) => daemon.process.once('exit', (code) => r(code)))
    const reply = await fetch(`${daemon.endpoint}/_auroractl/shutdown`, {method: 'POST'})
    expect(reply.status).toBe(200)
    expect(await exited).toBe(0)
    expect(existsSync(join(daemon.home, 'daemon.json'))).toBe(false)
    expect(existsSync(join(daemon.home, 'daemon.lock'))).toBe(false)
  })

  it('advances the clock through the admin API and keeps the offset across restarts', async () => {
    const home = mkdtempSync(join(tmpdir(), 'auroractl-emu-'))
    const first = await start({AURORACTL_TIMING: 'instant'}, home)
    await rawQuery(first, form({Action: 'CreateDBCluster', DBClusterIdentifier: 'aged', Engine: 'aurora-postgresql', MasterUsername: 'm', MasterUserPassword: 'secret-123'}))
    const bad = await fetch(`${first.endpoint}/_auroractl/clock/advance`, {method: 'POST', body: '{"ms":"soon"}'})
    expect(bad.status).toBe(400)
    const advanced = await fetch(`${first.endpoint}/_auroractl/clock/advance`, {method: 'POST', body: JSON.stringify({ms: 2 * 3_600_000})})
    expect((await advanced.json()) as {offsetMs: number}).toMatchObject({offsetMs: 2 * 3_600_000})
    // The cluster's own events: a daily automated backup may come due while the clock jumps, at a random window.
    const recent = (daemon: Daemon, minutes: number) =>
      rawQuery(daemon, form({Action: 'DescribeEvents', SourceType: 'db-cluster', Duration: String(minutes)}))
    expect((await recent(first, 60)).text).not.toContain('<Event>')
    await stopDaemon(first)
    running.splice(running.indexOf(first), 1)
    const second = await start({AURORACTL_TIMING: 'instant'}, home)
    expect((await recent(second, 60)).text).not.toContain('<Event>')
    expect((await recent(second, 180)).text).toContain('<Message>DB cluster created</Message>')
  })

  it('SIGTERM exits 0 and cleans up', async () => {
    const daemon = await start()
    expect(await stopDaemon(daemon, 'SIGTERM')).toBe(0)
    expect(existsSync(join(daemon.home, 'daemon.json'))).toBe(false)
    expect(existsSync(join(daemon.home, 'daemon.lock'))).toBe(false)
  })

  // Listing time and RSS are targets measured by bench/daemon.mjs, not asserted here.
  it('lists 1,000 clusters over ten pages', async () => {
    const daemon = await start({AURORACTL_TIMING: 'instant'})
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({length: 100}, (_, i) => rawQuery(daemon, form({
        Action: 'CreateDBCluster', DBClusterIdentifier: `bulk-${batch * 100 + i}`, Engine: 'aurora-postgresql', MasterUsername: 'm', MasterUserPassword: 'secret-123',
      }))))
    }
    let marker: string | undefined
    let count = 0
    do {
      const {text} = await rawQuery(daemon, form({Action: 'DescribeDBClusters', ...(marker ? {Marker: marker} : {})}))
      count += text.split('<DBCluster>').length - 1
      marker = /<Marker>([^<]*)<\/Marker>/.exec(text)?.[1]
    } while (marker)
    expect(count).toBe(1000)
  })
})
