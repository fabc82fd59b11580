import type {DBCluster, DBInstance, Event} from '@aws-sdk/client-rds'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cli, type RunResult} from '../helpers/process.js'

// End-to-end: the remaining lifecycle commands against the daemon (fast timing: intermediate states are real).
// Requires `npm run build` first.
describe('cluster and instance operations', () => {
  let local: LocalHome
  const run = (args: string[], input?: string) => cli(args, {env: local.env, input})
  const json = <T>(r: RunResult): T => {
    expect(r.code, r.stderr).toBe(0)
    return JSON.parse(r.stdout) as T
  }
  const instances = async () => {
    const cluster = json<DBCluster>(await run(['cluster', 'describe', 'ops', '--json']))
    const writer = cluster.DBClusterMembers!.find((m) => m.IsClusterWriter)!.DBInstanceIdentifier
    return {cluster, writer}
  }

  beforeAll(async () => {
    local = localHome('fast')
    json(await run(['cluster', 'create', 'ops', '--instances', '2', '--master-password-stdin', '--json'], 'pa55word-ok\n'))
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('changes every instance class with one failover: readers first, then the old writer', async () => {
    const before = (await instances()).writer!
    const result = json<{modified: string[]; failedOverTo: string; cluster: DBCluster}>(await run(['cluster', 'scale', 'ops', '--instance-class', 'db.r6g.xlarge', '--json']))
    expect(result.failedOverTo).toBeTruthy()
    expect(result.failedOverTo).not.toBe(before)
    expect(result.modified[result.modified.length - 1]).toBe(before)
    const {writer: after} = await instances()
    expect(after).toBe(result.failedOverTo)
    const all = json<DBInstance>(await run(['instance', 'modify', before, '--tier', '0', '--json']))
    expect(all.PromotionTier).toBe(0)
    for (const id of result.modified) {
      const described = json<DBInstance>(await run(['instance', 'reboot', id, '--json']))
      expect(described.DBInstanceClass).toBe('db.r6g.xlarge')
      expect(described.DBInstanceStatus).toBe('available')
    }
  })

  it('adds, removes and scales in readers, spread over the AZs', async () => {
    const added = json<DBInstance>(await run(['instance', 'add', 'ops', '--tier', '15', '--json']))
    expect(added.DBInstanceStatus).toBe('available')
    expect(added.DBInstanceClass).toBe('db.r6g.xlarge')
    // The two first instances went to us-east-1a and us-east-1b: the third goes to the empty AZ.
    expect(added.AvailabilityZone).toBe('us-east-1c')
    const {cluster} = await instances()
    expect(cluster.DBClusterMembers).toHaveLength(3)
    const scaled = json<{removed: string[]}>(await run(['cluster', 'scale', 'ops', '--readers', '1', '--json']))
    expect(scaled.removed).toEqual([added.DBInstanceIdentifier])
    expect((await run(['instance', 'remove', 'ops-instance-9', '--yes'])).code).toBe(3)
  })

  it('stops and starts the cluster, and reports events for all of it', async () => {
    const stopped = json<DBCluster>(await run(['cluster', 'stop', 'ops', '--json']))
    expect(stopped.Status).toBe('stopped')
    const started = json<DBCluster>(await run(['cluster', 'start', 'ops', '--json']))
    expect(started.Status).toBe('available')
    const events = json<Event[]>(await run(['events', '--cluster', 'ops', '--json']))
    const messages = events.map((e) => e.Message ?? '')
    expect(messages.length).toBeGreaterThan(3)
    expect(events.every((e) => e.SourceIdentifier === 'ops' && e.SourceType === 'db-cluster')).toBe(true)
    const table = await run(['events', '--cluster', 'ops'])
    expect(table.stdout).toMatch(/TIME\s+SOURCE\s+TYPE\s+MESSAGE/)
  })

  it('returns at once with --no-wait, and `cluster wait` waits until usable', async () => {
    const started = json<DBInstance>(await run(['instance', 'add', 'ops', '--no-wait', '--json']))
    expect(started.DBInstanceStatus).toBe('creating')
    const waited = json<DBCluster>(await run(['cluster', 'wait', 'ops', '--json']))
    expect(waited.Status).toBe('available')
    expect(waited.DBClusterMembers).toHaveLength(3)
  })
})
