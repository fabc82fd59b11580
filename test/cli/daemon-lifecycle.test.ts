import fs from 'node:fs'
import path from 'node:path'

import type {DBCluster} from '@aws-sdk/client-rds'
import {afterEach, describe, expect, it} from 'vitest'

import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cli, pidAlive, waitFor} from '../helpers/process.js'

// End-to-end: the built CLI as processes against one state directory. Requires `npm run build` first.
describe('the local daemon under concurrent clients and crashes', () => {
  let local: LocalHome | undefined
  afterEach(async () => {
    await local?.cleanup()
    local = undefined
  })

  const daemonPid = (home: string) => (JSON.parse(fs.readFileSync(path.join(home, 'daemon.json'), 'utf8')) as {pid: number}).pid

  it('starts one daemon when several CLIs race to start it, and loses no concurrent update', async () => {
    local = localHome('instant')
    const env = local.env
    const ids = Array.from({length: 6}, (_, n) => `race-${n}`)
    const results = await Promise.all(ids.map((id) => cli(['cluster', 'create', id, '--instances', '0', '--master-password-stdin', '--json'], {env, input: 'pa55word-ok\n'})))
    for (const r of results) expect(r.code, r.stderr).toBe(0)
    expect(results.filter((r) => /Started the local Aurora emulator/.test(r.stderr))).toHaveLength(1)
    const listed = JSON.parse((await cli(['cluster', 'list', '--json'], {env})).stdout) as DBCluster[]
    expect(listed.map((c) => c.DBClusterIdentifier).sort()).toEqual(ids)
  })

  it('keeps every acknowledged change across kill -9 of the daemon', async () => {
    local = localHome('fast')
    const env = local.env
    const created = await cli(['cluster', 'create', 'durable', '--instances', '2', '--master-password-stdin', '--no-wait', '--json'], {env, input: 'pa55word-ok\n'})
    expect(created.code, created.stderr).toBe(0)
    const pid = daemonPid(local.home)
    process.kill(pid, 'SIGKILL')
    await waitFor(async () => !pidAlive(pid), 5000, 'the daemon to die')
    const waited = await cli(['cluster', 'wait', 'durable', '--timeout', '30s', '--json'], {env})
    expect(waited.code, waited.stderr).toBe(0)
    expect(waited.stderr).toMatch(/Started the local Aurora emulator/)
    const cluster = JSON.parse(waited.stdout) as DBCluster
    expect(cluster.Status).toBe('available')
    expect(cluster.DBClusterMembers).toHaveLength(2)
    expect(daemonPid(local.home)).not.toBe(pid)
  })

  it('resets all state on request', async () => {
    local = localHome('instant')
    const env = local.env
    expect((await cli(['cluster', 'create', 'doomed', '--instances', '0', '--master-password-stdin'], {env, input: 'pa55word-ok\n'})).code).toBe(0)
    expect((await cli(['local', 'reset'], {env})).code).toBe(2)
    expect((await cli(['local', 'reset', '--yes'], {env})).code).toBe(0)
    expect(JSON.parse((await cli(['cluster', 'list', '--json'], {env})).stdout)).toEqual([])
  })
})
