import type {DBCluster, DBClusterSnapshot} from '@aws-sdk/client-rds'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {MOTO_ENV, type Moto, startMoto} from '../helpers/moto.js'
import {cli, type RunResult} from '../helpers/process.js'

function json<T>(result: RunResult): T {
  expect(result.code, `exit ${result.code}; stderr: ${result.stderr}`).toBe(0)
  return JSON.parse(result.stdout) as T
}

// Requires `npm run build` first (the README's test command does it). moto accepts the
// restore requests and ignores their times and restore types: this proves the shapes parse.
describe('snapshots, restores and clones on the aws backend against moto_server', () => {
  let moto: Moto
  let run: (args: string[], input?: string) => Promise<RunResult>
  beforeAll(async () => {
    moto = await startMoto()
    const target = ['--backend', 'aws', '--endpoint-url', moto.endpoint, '--region', 'us-east-1']
    run = (args, input) => cli([...args, ...target], {env: MOTO_ENV, input})
    json(await run(['cluster', 'create', 'src', '--instances', '2', '--instance-class', 'db.r6g.xlarge', '--master-password-stdin', '--json'], 'pa55word-moto\n'))
  })
  afterAll(async () => {
    await moto?.stop()
  })

  it('creates, lists, describes, copies and deletes snapshots', async () => {
    const created = json<DBClusterSnapshot>(await run(['snapshot', 'create', 'src', 'snap-a', '--json']))
    expect(created).toMatchObject({DBClusterSnapshotIdentifier: 'snap-a', DBClusterIdentifier: 'src', Status: 'available', SnapshotType: 'manual'})

    const copied = json<DBClusterSnapshot>(await run(['snapshot', 'copy', 'snap-a', 'snap-b', '--json']))
    expect(copied).toMatchObject({DBClusterSnapshotIdentifier: 'snap-b', Status: 'available'})

    const manual = json<DBClusterSnapshot[]>(await run(['snapshot', 'list', '--cluster', 'src', '--type', 'manual', '--json']))
    expect(manual.map((s) => s.DBClusterSnapshotIdentifier).sort()).toEqual(['snap-a', 'snap-b'])
    const all = json<DBClusterSnapshot[]>(await run(['snapshot', 'list', '--json']))
    expect(all.some((s) => s.SnapshotType === 'automated')).toBe(true)
    expect(all.length).toBeGreaterThan(manual.length)

    const table = await run(['snapshot', 'list', '--type', 'manual'])
    expect(table.stdout).toMatch(/^SNAPSHOT\s+CLUSTER\s+TYPE\s+STATUS\s+CREATED\s+ENGINE\n/)
    expect(table.stdout).toMatch(/snap-a\s+src\s+manual\s+available\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+aurora-postgresql/)

    const described = await run(['snapshot', 'describe', 'snap-a'])
    expect(described.code, described.stderr).toBe(0)
    expect(described.stdout).toMatch(/^snap-a {2}available\nCluster +src\n/)

    const deleted = json<DBClusterSnapshot>(await run(['snapshot', 'delete', 'snap-b', '--yes', '--json']))
    expect(deleted.DBClusterSnapshotIdentifier).toBe('snap-b')
    const gone = await run(['snapshot', 'describe', 'snap-b'])
    expect(gone.code).toBe(3)
    expect(gone.stderr).toContain('DBClusterSnapshotNotFoundFault')
    expect(gone.stderr).toContain('auroractl snapshot list')
  })

  it('refuses to delete a snapshot without --yes when not on a TTY, and deletes nothing', async () => {
    json(await run(['snapshot', 'create', 'src', 'snap-keep', '--json']))
    const refused = await run(['snapshot', 'delete', 'snap-keep'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/--yes is required to delete snapshot snap-keep when not running interactively/)
    expect(json<DBClusterSnapshot>(await run(['snapshot', 'describe', 'snap-keep', '--json'])).Status).toBe('available')
  })

  it('restores a snapshot into a new cluster with its instances', async () => {
    json(await run(['snapshot', 'create', 'src', 'snap-r', '--json']))
    const cluster = json<DBCluster>(await run(['snapshot', 'restore', 'snap-r', 'from-snap', '--instances', '2', '--json']))
    expect(cluster).toMatchObject({DBClusterIdentifier: 'from-snap', Status: 'available', Engine: 'aurora-postgresql'})
    expect(cluster.DBClusterMembers).toHaveLength(2)
    const human = await run(['cluster', 'describe', 'from-snap'])
    expect(human.stdout).toMatch(/writer\s+from-snap-instance-1\s+available\s+us-east-1a\s+db\.r6g\.large/)
  })

  it('restores to the latest restorable time and to a given time, with instances like the source writer', async () => {
    const latest = json<DBCluster>(await run(['cluster', 'restore', 'src', 'pitr-latest', '--latest', '--json']))
    expect(latest).toMatchObject({DBClusterIdentifier: 'pitr-latest', Status: 'available'})
    expect(latest.DBClusterMembers).toHaveLength(1)

    const human = await run(['cluster', 'restore', 'src', 'pitr-time', '--to-time', '2026-11-25T07:00:00+01:00', '--instances', '2'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/^pitr-time {2}available/)
    expect(human.stdout).toMatch(/writer\s+pitr-time-instance-1\s+available\s+us-east-1a\s+db\.r6g\.xlarge/)
    expect(human.stdout).toMatch(/reader\s+pitr-time-instance-2\s+available\s+us-east-1b\s+db\.r6g\.xlarge/)
    expect(human.stderr).toContain('Restoring src into pitr-time')

    const bare = json<DBCluster>(await run(['cluster', 'restore', 'src', 'pitr-bare', '--to-time', '1h ago', '--no-instances', '--json']))
    expect(bare.DBClusterMembers ?? []).toHaveLength(0)
  })

  it('clones a cluster', async () => {
    const clone = json<DBCluster>(await run(['cluster', 'clone', 'src', 'src-clone', '--json']))
    expect(clone).toMatchObject({DBClusterIdentifier: 'src-clone', Status: 'available'})
    expect(clone.DBClusterMembers).toHaveLength(1)
  })

  it('rejects a time it cannot read, and conflicting flags, with exit 2 before any request', async () => {
    const bad = await run(['cluster', 'restore', 'src', 'never', '--to-time', 'yesterday'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--to-time: "yesterday" is not a time; use ISO 8601 .* 15m ago, 1h30m ago, or now\./)
    expect((await run(['cluster', 'restore', 'src', 'never', '--to-time', '1h ago', '--copy-on-write'])).code).toBe(2)
    expect((await run(['cluster', 'restore', 'src', 'never'])).code).toBe(2)
    expect((await run(['cluster', 'backtrack', 'src', '--to', 'soon', '--yes'])).code).toBe(2)
  })
})
