import fs from 'node:fs'
import path from 'node:path'

import type {DBCluster} from '@aws-sdk/client-rds'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cli, pidAlive, type RunResult} from '../helpers/process.js'

// End-to-end: the built CLI as a process against its own daemon. Requires `npm run build` first.
describe('the CLI on the local backend', () => {
  let local: LocalHome
  const run = (args: string[], input?: string) => cli(args, {env: local.env, input})
  const create = (id: string, extra: string[] = []) => run(['cluster', 'create', id, '--instances', '1', '--master-password-stdin', '--json', ...extra], 'pa55word-ok\n')
  // LatestRestorableTime is "now" and moves by itself; nothing else may change.
  const state = async () => (await run(['cluster', 'list', '--json'])).stdout.replace(/"LatestRestorableTime": "[^"]*",?/g, '')

  beforeAll(() => {
    local = localHome('instant')
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('starts the daemon on demand, says so on stderr, and reports its status', async () => {
    const first = await run(['cluster', 'list', '--json'])
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout)).toEqual([])
    expect(first.stderr).toMatch(/Started the local Aurora emulator at http:\/\/127\.0\.0\.1:\d+/)
    const status = JSON.parse((await run(['local', 'status', '--json'])).stdout)
    expect(status).toMatchObject({running: true, home: local.home})
    expect(status.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(fs.existsSync(path.join(local.home, 'daemon.json'))).toBe(true)
    const again = await run(['cluster', 'list'])
    expect(again.stderr).not.toMatch(/Started/)
  })

  it('prints the DBCluster itself for describe --json, and a table for people', async () => {
    expect((await create('shape')).code).toBe(0)
    const cluster = JSON.parse((await run(['cluster', 'describe', 'shape', '--json'])).stdout) as DBCluster
    expect(cluster).toMatchObject({DBClusterIdentifier: 'shape', Status: 'available', Engine: 'aurora-postgresql'})
    expect(cluster.DBClusterMembers).toEqual([expect.objectContaining({IsClusterWriter: true, DBInstanceIdentifier: 'shape-instance-1'})])
    const human = await run(['cluster', 'describe', 'shape'])
    expect(human.stdout).toMatch(/ROLE\s+INSTANCE\s+STATUS\s+AZ\s+CLASS\s+TIER/)
    expect(human.stdout).toMatch(/writer\s+shape-instance-1\s+available\s+us-east-1[abc]/)
    expect(human.stdout).not.toContain('\u001b[')
  })

  const expectFailure = (result: RunResult, exit: number, code: string) => {
    expect(result.code, result.stderr).toBe(exit)
    expect(result.stderr).toContain(code)
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2)
  }

  it('maps AWS faults to exit codes and leaves state unchanged', async () => {
    const before = await state()
    expectFailure(await create('Bad--Id'), 2, 'InvalidParameterValue')
    expectFailure(await create('ends-'), 2, 'InvalidParameterValue')
    expectFailure(await create('9starts-with-digit'), 2, 'InvalidParameterValue')
    expectFailure(await create('shape'), 4, 'DBClusterAlreadyExistsFault')
    expectFailure(await create('badver', ['--engine-version', '99.9']), 2, 'InvalidParameter')
    expectFailure(await create('badretention', ['--backup-retention', '36']), 2, 'InvalidParameterValue')
    expectFailure(await create('pgbacktrack', ['--backtrack-window', '1h']), 2, 'InvalidParameterValue')
    expectFailure(await run(['cluster', 'describe', 'missing']), 3, 'DBClusterNotFoundFault')
    expectFailure(await run(['cluster', 'failover', 'shape']), 4, 'InvalidDBClusterStateFault')
    expectFailure(await run(['instance', 'modify', 'shape-instance-1', '--tier', '16']), 2, 'InvalidParameterValue')
    expect(await state()).toBe(before)
  })

  it('reports a failure under --json as a JSON error on stdout', async () => {
    const result = await run(['cluster', 'describe', 'missing', '--json'])
    expect(result.code).toBe(3)
    expect(JSON.parse(result.stdout)).toMatchObject({error: {code: 'DBClusterNotFoundFault', exitCode: 3}})
  })

  it('refuses destructive actions without a TTY unless --yes, and protects protected clusters', async () => {
    const noYes = await run(['cluster', 'delete', 'shape', '--skip-final-snapshot'])
    expect(noYes.code).toBe(2)
    expect(noYes.stderr).toMatch(/--yes is required/)
    expect((await run(['cluster', 'describe', 'shape'])).code).toBe(0)

    expect((await create('guarded', ['--deletion-protection'])).code).toBe(0)
    const protectedDelete = await run(['cluster', 'delete', 'guarded', '--yes', '--skip-final-snapshot'])
    expectFailure(protectedDelete, 2, 'InvalidParameterCombination')
    const guarded = JSON.parse((await run(['cluster', 'describe', 'guarded', '--json'])).stdout) as DBCluster
    expect(guarded.DBClusterMembers).toHaveLength(1)
    expect((await run(['cluster', 'modify', 'guarded', '--no-deletion-protection', '--json'])).code).toBe(0)
    expect((await run(['cluster', 'delete', 'guarded', '--yes', '--skip-final-snapshot'])).code).toBe(0)
  })

  it('needs a password without a TTY, and never prints it', async () => {
    const result = await run(['cluster', 'create', 'nopass', '--instances', '0'])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/--master-password-stdin/)
    const created = await run(['cluster', 'create', 'secret', '--instances', '0', '--master-password-stdin', '--json'], 'do-not-print-me-7\n')
    expect(created.code).toBe(0)
    expect(created.stdout + created.stderr).not.toContain('do-not-print-me-7')
    expect(fs.readFileSync(path.join(local.home, 'daemon.log'), 'utf8')).not.toContain('do-not-print-me-7')
  })

  it('keeps regions apart', async () => {
    expect((await create('west', ['--region', 'us-west-2'])).code).toBe(0)
    const west = JSON.parse((await run(['cluster', 'describe', 'west', '--json', '--region', 'us-west-2'])).stdout) as DBCluster
    expect(west.AvailabilityZones).toEqual(expect.arrayContaining(['us-west-2a']))
    expect((await run(['cluster', 'describe', 'west'])).code).toBe(3)
  })

  it('times out waiting with exit 5 and says how to resume', async () => {
    const slow = localHome('realistic')
    try {
      const result = await cli(['cluster', 'create', 'slow', '--instances', '1', '--master-password-stdin', '--timeout', '1s'], {env: slow.env, input: 'pa55word-ok\n'})
      expect(result.code).toBe(5)
      expect(result.stderr).toMatch(/Timed out/)
      expect(result.stderr).toMatch(/auroractl cluster wait slow/)
    } finally {
      await slow.cleanup()
    }
  })

  it('stops the daemon and keeps its state for the next start', async () => {
    const {pid} = JSON.parse(fs.readFileSync(path.join(local.home, 'daemon.json'), 'utf8')) as {pid: number}
    const stopped = await run(['local', 'stop', '--json'])
    expect(JSON.parse(stopped.stdout)).toMatchObject({stopped: true})
    expect(pidAlive(pid)).toBe(false)
    expect(JSON.parse((await run(['local', 'status', '--json'])).stdout)).toMatchObject({running: false})
    const cluster = JSON.parse((await run(['cluster', 'describe', 'shape', '--json'])).stdout) as DBCluster
    expect(cluster.DBClusterIdentifier).toBe('shape')
  })
})
