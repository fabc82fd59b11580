/**
 * The aws CLI (botocore) against a spawned daemon. Run `npm run build` first (`npm test` does): the daemon is
 * dist/lib/emulator/daemon.js. One daemon (timing fast) serves the file and is stopped by its pid afterwards.
 * botocore waiters sleep 30 s between polls, so each `aws rds wait` is called once the resource is ready and must
 * succeed on its first poll (which still proves botocore parses the reply and applies the waiter's acceptors).
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {Prng} from '../../src/lib/emulator/prng.js'
import {awsRds, errorCode, form, rawQuery, sleep, snapshotState, startDaemon, stopDaemon, type Daemon} from './helpers.js'

let daemon: Daemon

beforeAll(async () => {
  daemon = await startDaemon({AURORACTL_TIMING: 'fast', AURORACTL_SEED: '99'})
})

afterAll(async () => {
  if (daemon) await stopDaemon(daemon)
})

const aws = (...args: string[]) => awsRds(daemon, args)

async function untilStatus(kind: 'cluster' | 'instance', id: string, status: string): Promise<void> {
  const action = kind === 'cluster' ? 'DescribeDBClusters' : 'DescribeDBInstances'
  const param = kind === 'cluster' ? 'DBClusterIdentifier' : 'DBInstanceIdentifier'
  const tag = kind === 'cluster' ? 'Status' : 'DBInstanceStatus'
  for (let i = 0; i < 100; i++) {
    const {text} = await rawQuery(daemon, form({Action: action, [param]: id}))
    if (new RegExp(`<${tag}>${status}</${tag}>`).test(text)) return
    await sleep(50)
  }
  throw new Error(`${kind} ${id} never reached ${status}`)
}

async function expectOk(result: Promise<Awaited<ReturnType<typeof aws>>>) {
  const r = await result
  if (r.code !== 0) throw new Error(`aws failed (${r.code}): ${r.stderr}`)
  return r.json
}

const TRICKY = `a<b>&"c'd`

describe('aws rds against the emulator', () => {
  it('creates a cluster with instances and waits for them', async () => {
    const created = await expectOk(aws('create-db-cluster', '--db-cluster-identifier', 'Demo', '--engine', 'aurora-postgresql',
      '--engine-version', '15.8', '--master-username', 'admin1', '--master-user-password', 'secret-pass-1',
      '--backup-retention-period', '7', '--tags', JSON.stringify([{Key: 'note', Value: TRICKY}])))
    expect(created.DBCluster).toMatchObject({
      DBClusterIdentifier: 'demo', Status: 'creating', Engine: 'aurora-postgresql', EngineVersion: '15.8', EngineMode: 'provisioned',
      Port: 5432, BackupRetentionPeriod: 7, DBClusterArn: 'arn:aws:rds:us-east-1:000000000000:cluster:demo',
      AvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'], TagList: [{Key: 'note', Value: TRICKY}],
    })
    expect(created.DBCluster.Endpoint).toMatch(/^demo\.cluster-[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$/)
    expect(created.DBCluster.ReaderEndpoint).toMatch(/^demo\.cluster-ro-[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$/)
    expect(JSON.stringify(created)).not.toContain('secret-pass-1')

    const first = await expectOk(aws('create-db-instance', '--db-instance-identifier', 'demo-1', '--db-cluster-identifier', 'demo',
      '--engine', 'aurora-postgresql', '--db-instance-class', 'db.r6g.large'))
    expect(first.DBInstance).toMatchObject({DBInstanceIdentifier: 'demo-1', DBInstanceStatus: 'creating', PromotionTier: 1, DBClusterIdentifier: 'demo'})
    await expectOk(aws('create-db-instance', '--db-instance-identifier', 'demo-2', '--db-cluster-identifier', 'demo',
      '--engine', 'aurora-postgresql', '--db-instance-class', 'db.r6g.xlarge', '--promotion-tier', '0'))
    await expectOk(aws('create-db-instance', '--db-instance-identifier', 'demo-3', '--db-cluster-identifier', 'demo',
      '--engine', 'aurora-postgresql', '--db-instance-class', 'db.r6g.large', '--availability-zone', 'us-east-1a'))
    await untilStatus('instance', 'demo-3', 'available')
    await expectOk(aws('wait', 'db-cluster-available', '--db-cluster-identifier', 'demo'))
    await expectOk(aws('wait', 'db-instance-available', '--filters', 'Name=db-cluster-id,Values=demo'))

    const cluster = (await expectOk(aws('describe-db-clusters', '--db-cluster-identifier', 'demo'))).DBClusters[0]
    expect(cluster.Status).toBe('available')
    expect(cluster.MultiAZ).toBe(true)
    expect(cluster.DBClusterMembers).toEqual([
      {DBInstanceIdentifier: 'demo-1', IsClusterWriter: true, DBClusterParameterGroupStatus: 'in-sync', PromotionTier: 1},
      {DBInstanceIdentifier: 'demo-2', IsClusterWriter: false, DBClusterParameterGroupStatus: 'in-sync', PromotionTier: 0},
      {DBInstanceIdentifier: 'demo-3', IsClusterWriter: false, DBClusterParameterGroupStatus: 'in-sync', PromotionTier: 1},
    ])
    expect(cluster.TagList).toEqual([{Key: 'note', Value: TRICKY}])
    const instances = (await expectOk(aws('describe-db-instances', '--filters', 'Name=db-cluster-id,Values=demo'))).DBInstances
    expect(instances.map((i: {AvailabilityZone: string}) => i.AvailabilityZone)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1a'])
    expect(instances[0].Endpoint.Address).toMatch(/^demo-1\.[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$/)
    expect(instances[0].DBInstanceArn).toBe('arn:aws:rds:us-east-1:000000000000:db:demo-1')
  })

  it('modifies the cluster and its instances', async () => {
    const modified = await expectOk(aws('modify-db-cluster', '--db-cluster-identifier', 'demo', '--backup-retention-period', '14',
      '--deletion-protection', '--serverless-v2-scaling-configuration', 'MinCapacity=0.5,MaxCapacity=16',
      '--preferred-backup-window', '02:00-02:30', '--preferred-maintenance-window', 'sun:05:00-sun:06:00', '--apply-immediately'))
    expect(modified.DBCluster).toMatchObject({
      BackupRetentionPeriod: 14, DeletionProtection: true, ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 16},
      PreferredBackupWindow: '02:00-02:30', PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    })
    const pending = await expectOk(aws('modify-db-instance', '--db-instance-identifier', 'demo-3', '--db-instance-class', 'db.r6g.2xlarge'))
    expect(pending.DBInstance.PendingModifiedValues).toEqual({DBInstanceClass: 'db.r6g.2xlarge'})
    const now = await expectOk(aws('modify-db-instance', '--db-instance-identifier', 'demo-3', '--db-instance-class', 'db.serverless',
      '--promotion-tier', '2', '--apply-immediately'))
    expect(now.DBInstance).toMatchObject({DBInstanceStatus: 'modifying', PromotionTier: 2})
    await untilStatus('instance', 'demo-3', 'available')
    const rebooted = await expectOk(aws('reboot-db-instance', '--db-instance-identifier', 'demo-3'))
    expect(rebooted.DBInstance.DBInstanceStatus).toBe('rebooting')
    await untilStatus('instance', 'demo-3', 'available')
    const after = (await expectOk(aws('describe-db-instances', '--db-instance-identifier', 'demo-3'))).DBInstances[0]
    expect(after.DBInstanceClass).toBe('db.serverless')
  })

  it('fails over to the best replica and records the events', async () => {
    const failing = await expectOk(aws('failover-db-cluster', '--db-cluster-identifier', 'demo'))
    expect(failing.DBCluster.Status).toBe('failing-over')
    await untilStatus('cluster', 'demo', 'available')
    await expectOk(aws('wait', 'db-cluster-available', '--db-cluster-identifier', 'demo'))
    const members = (await expectOk(aws('describe-db-clusters', '--db-cluster-identifier', 'demo'))).DBClusters[0].DBClusterMembers
    expect(members.filter((m: {IsClusterWriter: boolean}) => m.IsClusterWriter).map((m: {DBInstanceIdentifier: string}) => m.DBInstanceIdentifier))
      .toEqual(['demo-2'])
    const events = (await expectOk(aws('describe-events', '--source-type', 'db-cluster', '--source-identifier', 'demo',
      '--event-categories', 'failover', '--duration', '60'))).Events
    expect(events.map((e: {Message: string}) => e.Message)).toEqual([
      'Started cross AZ failover to DB instance: demo-2', 'Completed failover to DB instance: demo-2',
    ])
    expect(events[0]).toMatchObject({SourceType: 'db-cluster', SourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:demo', EventCategories: ['failover']})
    const all = (await expectOk(aws('describe-events', '--max-records', '20'))).Events
    expect(all.map((e: {Message: string}) => e.Message)).toEqual(expect.arrayContaining(['DB cluster created', 'DB instance created', 'DB instance restarted']))
  })

  it('stops and starts the cluster', async () => {
    expect((await expectOk(aws('stop-db-cluster', '--db-cluster-identifier', 'demo'))).DBCluster.Status).toBe('stopping')
    await untilStatus('cluster', 'demo', 'stopped')
    const stoppedInstance = (await expectOk(aws('describe-db-instances', '--db-instance-identifier', 'demo-1'))).DBInstances[0]
    expect(stoppedInstance.DBInstanceStatus).toBe('stopped')
    expect((await expectOk(aws('start-db-cluster', '--db-cluster-identifier', 'demo'))).DBCluster.Status).toBe('starting')
    await untilStatus('cluster', 'demo', 'available')
    await expectOk(aws('wait', 'db-cluster-available', '--db-cluster-identifier', 'demo'))
  })

  it('refuses bad input with the AWS error code and leaves state unchanged', async () => {
    await expectOk(aws('create-db-cluster', '--db-cluster-identifier', 'solo', '--engine', 'aurora-mysql', '--master-username', 'admin',
      '--manage-master-user-password', '--backtrack-window', '3600'))
    await expectOk(aws('create-db-instance', '--db-instance-identifier', 'solo-1', '--db-cluster-identifier', 'solo',
      '--engine', 'aurora-mysql', '--db-instance-class', 'db.t4g.medium'))
    await untilStatus('instance', 'solo-1', 'available')
    await untilStatus('cluster', 'solo', 'available')
    const before = await snapshotState(daemon)
    const cases: [string[], string][] = [
      [['create-db-cluster', '--db-cluster-identifier', '1bad', '--engine', 'aurora-postgresql', '--master-username', 'm', '--master-user-password', 'secret-123'], 'InvalidParameterValue'],
      [['create-db-cluster', '--db-cluster-identifier', 'bad--id', '--engine', 'aurora-postgresql', '--master-username', 'm', '--master-user-password', 'secret-123'], 'InvalidParameterValue'],
      [['create-db-cluster', '--db-cluster-identifier', 'x', '--engine', 'aurora-sqlserver', '--master-username', 'm', '--master-user-password', 'secret-123'], 'InvalidParameterValue'],
      [['create-db-cluster', '--db-cluster-identifier', 'x', '--engine', 'aurora-postgresql', '--engine-version', '11.1', '--master-username', 'm', '--master-user-password', 'secret-123'], 'InvalidParameterCombination'],
      [['create-db-cluster', '--db-cluster-identifier', 'DEMO', '--engine', 'aurora-postgresql', '--master-username', 'm', '--master-user-password', 'secret-123'], 'DBClusterAlreadyExistsFault'],
      [['create-db-cluster', '--db-cluster-identifier', 'x', '--engine', 'aurora-postgresql', '--master-username', 'm', '--master-user-password', 'secret-123', '--manage-master-user-password'], 'InvalidParameterCombination'],
      [['describe-db-clusters', '--db-cluster-identifier', 'missing'], 'DBClusterNotFoundFault'],
      [['describe-db-instances', '--db-instance-identifier', 'missing'], 'DBInstanceNotFound'],
      [['describe-db-cluster-snapshots', '--db-cluster-snapshot-identifier', 'missing'], 'DBClusterSnapshotNotFoundFault'],
      [['failover-db-cluster', '--db-cluster-identifier', 'solo'], 'InvalidDBClusterStateFault'],
      [['delete-db-cluster', '--db-cluster-identifier', 'demo', '--skip-final-snapshot'], 'InvalidParameterCombination'],
      [['modify-db-cluster', '--db-cluster-identifier', 'demo', '--backup-retention-period', '36'], 'InvalidParameterValue'],
      [['modify-db-cluster', '--db-cluster-identifier', 'demo', '--backtrack-window', '60'], 'InvalidParameterValue'],
      [['modify-db-cluster', '--db-cluster-identifier', 'solo', '--backtrack-window', '259201'], 'InvalidParameterValue'],
      [['modify-db-instance', '--db-instance-identifier', 'demo-1', '--promotion-tier', '16'], 'InvalidParameterValue'],
      [['create-db-instance', '--db-instance-identifier', 'x', '--db-cluster-identifier', 'demo', '--engine', 'aurora-postgresql', '--db-instance-class', 'db.r6g.large', '--promotion-tier', '-1'], 'InvalidParameterValue'],
      [['create-db-instance', '--db-instance-identifier', 'x', '--db-cluster-identifier', 'solo', '--engine', 'aurora-mysql', '--db-instance-class', 'db.serverless'], 'InvalidDBClusterStateFault'],
      [['create-db-instance', '--db-instance-identifier', 'demo-1', '--db-cluster-identifier', 'demo', '--engine', 'aurora-postgresql', '--db-instance-class', 'db.r6g.large'], 'DBInstanceAlreadyExists'],
      [['describe-db-clusters', '--max-records', '5'], 'InvalidParameterValue'],
      [['delete-db-cluster', '--db-cluster-identifier', 'solo'], 'InvalidDBClusterStateFault'],
    ]
    // Four aws processes at a time: quicker, without swamping a small machine.
    for (let i = 0; i < cases.length; i += 4) {
      const batch = cases.slice(i, i + 4)
      const results = await Promise.all(batch.map(([args]) => aws(...args)))
      batch.forEach(([args, code], j) => {
        expect(results[j].code, `${args.join(' ')} → ${results[j].stderr}`).not.toBe(0)
        expect(results[j].stderr, args.join(' ')).toContain(`(${code})`)
      })
    }
    expect(await snapshotState(daemon)).toBe(before)
  })

  it('keeps Regions apart', async () => {
    await expectOk(awsRds(daemon, ['create-db-cluster', '--db-cluster-identifier', 'west', '--engine', 'aurora-postgresql',
      '--master-username', 'm', '--master-user-password', 'secret-123'], 'us-west-2'))
    const west = await expectOk(awsRds(daemon, ['describe-db-clusters'], 'us-west-2'))
    expect(west.DBClusters.map((c: {DBClusterIdentifier: string}) => c.DBClusterIdentifier)).toEqual(['west'])
    expect(west.DBClusters[0].DBClusterArn).toBe('arn:aws:rds:us-west-2:000000000000:cluster:west')
    const east = await awsRds(daemon, ['describe-db-clusters', '--db-cluster-identifier', 'west'])
    expect(east.stderr).toContain('(DBClusterNotFoundFault)')
  })

  it('lists engine versions', async () => {
    const versions = (await expectOk(aws('describe-db-engine-versions', '--engine', 'aurora-postgresql'))).DBEngineVersions
    expect(versions.map((v: {EngineVersion: string}) => v.EngineVersion).sort()).toEqual(['13.16', '14.13', '15.8', '16.4'])
    const latest = (await expectOk(aws('describe-db-engine-versions', '--engine', 'aurora-mysql', '--default-only'))).DBEngineVersions
    expect(latest).toHaveLength(1)
    expect(latest[0]).toMatchObject({EngineVersion: '8.0.mysql_aurora.3.08.0', DBParameterGroupFamily: 'aurora-mysql8.0', MajorEngineVersion: '8.0'})
  })

  it('deletes instances, then the cluster with a final snapshot that outlives it', async () => {
    await expectOk(aws('modify-db-cluster', '--db-cluster-identifier', 'demo', '--no-deletion-protection'))
    for (const id of ['demo-1', 'demo-2', 'demo-3']) {
      expect((await expectOk(aws('delete-db-instance', '--db-instance-identifier', id))).DBInstance.DBInstanceStatus).toBe('deleting')
    }
    const missingSnapshot = await aws('delete-db-cluster', '--db-cluster-identifier', 'demo')
    expect(missingSnapshot.stderr).toContain('(InvalidParameterCombination)')
    const deleted = await expectOk(aws('delete-db-cluster', '--db-cluster-identifier', 'demo', '--final-db-snapshot-identifier', 'demo-final'))
    expect(deleted.DBCluster.Status).toBe('deleting')
    for (let i = 0; i < 100; i++) {
      const {text} = await rawQuery(daemon, form({Action: 'DescribeDBClusters', DBClusterIdentifier: 'demo'}))
      if (errorCode(text) === 'DBClusterNotFoundFault') break
      await sleep(50)
    }
    const gone = await aws('describe-db-clusters', '--db-cluster-identifier', 'demo')
    expect(gone.stderr).toContain('(DBClusterNotFoundFault)')
    const snapshots = (await expectOk(aws('describe-db-cluster-snapshots', '--db-cluster-identifier', 'demo'))).DBClusterSnapshots
    expect(snapshots).toHaveLength(1)
    expect(snapshots[0]).toMatchObject({
      DBClusterSnapshotIdentifier: 'demo-final', DBClusterIdentifier: 'demo', SnapshotType: 'manual', Status: 'available',
      Engine: 'aurora-postgresql', EngineVersion: '15.8', DBClusterSnapshotArn: 'arn:aws:rds:us-east-1:000000000000:cluster-snapshot:demo-final',
    })
  })
})

describe('malformed requests', () => {
  it('answers protocol errors with the AWS code and status, changing nothing', async () => {
    const before = await snapshotState(daemon)
    const cases: [string | Buffer, number, string][] = [
      ['Version=2014-10-31', 400, 'MissingAction'],
      [form({Action: 'LaunchRockets'}), 400, 'InvalidAction'],
      [form({Action: '__proto__'}), 400, 'InvalidAction'],
      ['Action=DescribeDBClusters&Version=2012-01-01', 400, 'InvalidParameterValue'],
      ['Action=DescribeDBClusters', 400, 'MissingParameter'],
      [form({Action: 'CreateDBCluster', Engine: 'aurora-postgresql'}), 400, 'MissingParameter'],
      [form({Action: 'CreateDBCluster', DBClusterIdentifier: 'x', Engine: 'aurora-postgresql', Port: 'abc'}), 400, 'InvalidParameterValue'],
      [form({Action: 'DescribeDBClusters', MaxRecords: '1e3'}), 400, 'InvalidParameterValue'],
      ['Action=DescribeDBClusters&Version=2014-10-31&DBClusterIdentifier=%ZZ', 400, 'MalformedQueryString'],
      [Buffer.from([0x41, 0x63, 0x74, 0x69, 0x6f, 0x6e, 0x3d, 0xff, 0xfe]), 400, 'MalformedQueryString'],
    ]
    for (const [body, status, code] of cases) {
      const reply = await rawQuery(daemon, body)
      expect(reply.status, String(body)).toBe(status)
      expect(errorCode(reply.text), String(body)).toBe(code)
      expect(reply.text).toMatch(/<ErrorResponse xmlns="http:\/\/rds\.amazonaws\.com\/doc\/2014-10-31\/"><Error><Type>Sender<\/Type>/)
      expect(reply.text).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/)
    }
    const huge = await rawQuery(daemon, `${form({Action: 'DescribeDBClusters'})}&Pad=${'x'.repeat(2 * 1024 * 1024)}`)
    expect(huge.status).toBe(413)
    expect(errorCode(huge.text)).toBe('RequestEntityTooLarge')
    // Without Content-Length (chunked), the limit is enforced while reading.
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 40) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const chunked = await fetch(`${daemon.endpoint}/`, {method: 'POST', body: stream, duplex: 'half'} as RequestInit)
    expect(chunked.status).toBe(413)
    expect(errorCode(await chunked.text())).toBe('RequestEntityTooLarge')
    const viaGet = await fetch(`${daemon.endpoint}/?${form({Action: 'DescribeDBEngineVersions', Engine: 'aurora-mysql'})}`)
    expect(viaGet.status).toBe(200)
    expect(await viaGet.text()).toContain('<DBEngineVersion><Engine>aurora-mysql</Engine>')
    expect(await snapshotState(daemon)).toBe(before)
  })

  it('survives a few hundred random malformed requests with state intact', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)
    const rng = new Prng(seed)
    const actions = ['CreateDBCluster', 'DescribeDBClusters', 'ModifyDBCluster', 'DeleteDBCluster', 'CreateDBInstance', 'ModifyDBInstance',
      'DeleteDBInstance', 'RebootDBInstance', 'FailoverDBCluster', 'DescribeEvents', 'StopDBCluster', 'StartDBCluster', 'Bogus', '']
    const names = ['DBClusterIdentifier', 'DBInstanceIdentifier', 'Engine', 'MaxRecords', 'Port', 'Filters.Filter.1.Name',
      'Filters.Filter.1.Values.Value.1', 'Tags.Tag.1.Key', 'AvailabilityZones.member.x', 'ServerlessV2ScalingConfiguration.MinCapacity',
      'StartTime', 'DeletionProtection', 'Marker', 'A.B.C.D', 'Version', '']
    const values = () => rng.pick([
      '', 'demo', 'solo', '1bad', 'aurora-postgresql', '-5', '999999999999999999999', 'true', 'maybe', '%', '%FF', '<&>"\'',
      'x'.repeat(rng.int(5000)), '\u0000\u0001', '2026-13-45T99:99:99Z', 'arn:aws:rds:us-east-1:000000000000:cluster:solo', 'NaN',
    ])
    // Mutating actions always target a missing or invalid identifier, so every generated request must be refused
    // (or be a read) and the state must come out identical.
    await untilStatus('cluster', 'solo', 'available')
    const before = await snapshotState(daemon)
    let failures = 0
    try {
      for (let i = 0; i < 300; i++) {
        let body: string | Buffer
        const kind = rng.int(4)
        if (kind === 0) {
          body = Buffer.from(Array.from({length: rng.int(200)}, () => rng.int(256)))
        } else {
          const params = new URLSearchParams({Action: rng.pick(actions), Version: rng.int(10) === 0 ? 'bad' : '2014-10-31'})
          for (let p = 0; p < rng.int(6); p++) params.set(rng.pick(names), values())
          if (['ModifyDBCluster', 'DeleteDBCluster', 'FailoverDBCluster', 'StopDBCluster', 'StartDBCluster', 'CreateDBCluster'].includes(params.get('Action') ?? '')) {
            params.set('DBClusterIdentifier', rng.pick(['ghost', '1bad', '', 'a--b']))
          }
          if (['CreateDBInstance', 'ModifyDBInstance', 'DeleteDBInstance', 'RebootDBInstance'].includes(params.get('Action') ?? '')) {
            params.set('DBInstanceIdentifier', rng.pick(['ghost', '1bad', '', 'a--b']))
          }
          body = kind === 3 ? params.toString().replace(/%/g, rng.pick(['%', '%Z', '%E2%82'])) : params.toString()
        }
        const reply = await rawQuery(daemon, body)
        if (reply.status >= 500) failures++
        expect(reply.text.startsWith('<?xml')).toBe(true)
      }
      expect(failures).toBe(0)
      expect((await fetch(`${daemon.endpoint}/_auroractl/status`)).status).toBe(200)
      expect(await snapshotState(daemon)).toBe(before)
    } catch (error) {
      console.error(`fuzz failed with seed ${seed} (rerun with FUZZ_SEED=${seed})`)
      throw error
    }
  })
})

describe('aws rds: time features', () => {
  it('parses snapshots, restores, clones and backtracks, and their refusals', async () => {
    await expectOk(aws('create-db-cluster', '--db-cluster-identifier', 'tt', '--engine', 'aurora-postgresql',
      '--master-username', 'admin1', '--master-user-password', 'secret-pass-1'))
    await expectOk(aws('create-db-instance', '--db-instance-identifier', 'tt-1', '--db-cluster-identifier', 'tt',
      '--engine', 'aurora-postgresql', '--db-instance-class', 'db.r6g.large'))
    await untilStatus('instance', 'tt-1', 'available')
    await untilStatus('cluster', 'tt', 'available')
    const snap = await expectOk(aws('create-db-cluster-snapshot', '--db-cluster-identifier', 'tt', '--db-cluster-snapshot-identifier', 'tt-snap',
      '--tags', JSON.stringify([{Key: 'k', Value: 'v'}])))
    expect(snap.DBClusterSnapshot).toMatchObject({DBClusterSnapshotIdentifier: 'tt-snap', Status: 'creating', SnapshotType: 'manual', TagList: [{Key: 'k', Value: 'v'}]})
    expect(typeof snap.DBClusterSnapshot.SnapshotCreateTime).toBe('string')
    const listed = await expectOk(aws('describe-db-cluster-snapshots', '--db-cluster-identifier', 'tt'))
    expect(listed.DBClusterSnapshots.map((s: {SnapshotType: string}) => s.SnapshotType).sort()).toEqual(['automated', 'manual'])
    await expectOk(aws('wait', 'db-cluster-snapshot-available', '--db-cluster-snapshot-identifier', 'tt-snap'))
    const copied = await expectOk(aws('copy-db-cluster-snapshot', '--source-db-cluster-snapshot-identifier', 'tt-snap',
      '--target-db-cluster-snapshot-identifier', 'tt-copy', '--copy-tags'))
    expect(copied.DBClusterSnapshot).toMatchObject({Status: 'copying', SourceDBClusterSnapshotArn: 'arn:aws:rds:us-east-1:000000000000:cluster-snapshot:tt-snap'})

    const described = await expectOk(aws('describe-db-clusters', '--db-cluster-identifier', 'tt'))
    const window = described.DBClusters[0]
    expect(Date.parse(window.LatestRestorableTime)).toBeGreaterThanOrEqual(Date.parse(window.EarliestRestorableTime))
    const clone = await expectOk(aws('restore-db-cluster-to-point-in-time', '--source-db-cluster-identifier', 'tt',
      '--db-cluster-identifier', 'tt-clone', '--restore-type', 'copy-on-write', '--use-latest-restorable-time'))
    expect(clone.DBCluster).toMatchObject({DBClusterIdentifier: 'tt-clone', Status: 'creating', MasterUsername: 'admin1', DBClusterMembers: []})
    expect(clone.DBCluster.CloneGroupId).toMatch(/^[0-9a-f-]{36}$/)
    const pit = await expectOk(aws('restore-db-cluster-to-point-in-time', '--source-db-cluster-identifier', 'tt',
      '--db-cluster-identifier', 'tt-pit', '--restore-to-time', window.LatestRestorableTime))
    expect(pit.DBCluster.CloneGroupId).toBeUndefined()
    const fromSnapshot = await expectOk(aws('restore-db-cluster-from-snapshot', '--snapshot-identifier', 'tt-snap',
      '--db-cluster-identifier', 'tt-back', '--engine', 'aurora-postgresql'))
    expect(fromSnapshot.DBCluster).toMatchObject({DBClusterIdentifier: 'tt-back', Engine: 'aurora-postgresql'})

    // Let the restores settle (available, first automated backup) so only a refused request could change state.
    for (const id of ['tt-clone', 'tt-pit', 'tt-back']) await untilStatus('cluster', id, 'available')
    await sleep(600)
    const before = await snapshotState(daemon)
    const early = await aws('restore-db-cluster-to-point-in-time', '--source-db-cluster-identifier', 'tt',
      '--db-cluster-identifier', 'nope', '--restore-to-time', '2020-01-01T00:00:00Z')
    expect(early.code).not.toBe(0)
    expect(early.stderr).toContain('InvalidRestoreFault')
    const both = await aws('restore-db-cluster-to-point-in-time', '--source-db-cluster-identifier', 'tt',
      '--db-cluster-identifier', 'nope', '--restore-type', 'copy-on-write', '--restore-to-time', window.LatestRestorableTime)
    expect(both.stderr).toContain('InvalidParameterCombination')
    const ghost = await aws('restore-db-cluster-from-snapshot', '--snapshot-identifier', 'ghost', '--db-cluster-identifier', 'nope', '--engine', 'aurora-postgresql')
    expect(ghost.stderr).toContain('DBClusterSnapshotNotFoundFault')
    const pgBacktrack = await aws('backtrack-db-cluster', '--db-cluster-identifier', 'tt', '--backtrack-to', window.LatestRestorableTime)
    expect(pgBacktrack.stderr).toContain('InvalidDBClusterStateFault')
    expect(await snapshotState(daemon)).toBe(before)

    await expectOk(aws('create-db-cluster', '--db-cluster-identifier', 'bt', '--engine', 'aurora-mysql',
      '--master-username', 'admin1', '--master-user-password', 'secret-pass-1', '--backtrack-window', '3600'))
    await untilStatus('cluster', 'bt', 'available')
    const btCluster = (await expectOk(aws('describe-db-clusters', '--db-cluster-identifier', 'bt'))).DBClusters[0]
    expect(btCluster.BacktrackWindow).toBe(3600)
    const backtrack = await expectOk(aws('backtrack-db-cluster', '--db-cluster-identifier', 'bt', '--backtrack-to', btCluster.EarliestBacktrackTime))
    expect(backtrack).toMatchObject({DBClusterIdentifier: 'bt', Status: 'pending'})
    const backtracks = await expectOk(aws('describe-db-cluster-backtracks', '--db-cluster-identifier', 'bt'))
    expect(backtracks.DBClusterBacktracks[0].BacktrackIdentifier).toBe(backtrack.BacktrackIdentifier)
    const unknown = await aws('describe-db-cluster-backtracks', '--db-cluster-identifier', 'bt', '--backtrack-identifier', 'nope')
    expect(unknown.stderr).toContain('DBClusterBacktrackNotFoundFault')

    await expectOk(aws('wait', 'db-cluster-snapshot-available', '--db-cluster-snapshot-identifier', 'tt-copy'))
    const deleted = await expectOk(aws('delete-db-cluster-snapshot', '--db-cluster-snapshot-identifier', 'tt-copy'))
    expect(deleted.DBClusterSnapshot.DBClusterSnapshotIdentifier).toBe('tt-copy')
  })
})

describe('aws rds: global databases', () => {
  it('creates, describes, modifies, detaches and deletes global clusters, and parses their refusals', async () => {
    await expectOk(aws('create-db-cluster', '--db-cluster-identifier', 'gp', '--engine', 'aurora-postgresql',
      '--master-username', 'master', '--master-user-password', 'secret-pass-1'))
    await untilStatus('cluster', 'gp', 'available')
    const arn = 'arn:aws:rds:us-east-1:000000000000:cluster:gp'
    const created = await expectOk(aws('create-global-cluster', '--global-cluster-identifier', 'glob', '--source-db-cluster-identifier', arn))
    expect(created.GlobalCluster).toMatchObject({
      GlobalClusterIdentifier: 'glob', GlobalClusterArn: 'arn:aws:rds::000000000000:global-cluster:glob', Status: 'available',
      Engine: 'aurora-postgresql', GlobalClusterMembers: [{DBClusterArn: arn, Readers: [], IsWriter: true, SynchronizationStatus: 'connected'}],
    })
    await expectOk(aws('create-global-cluster', '--global-cluster-identifier', 'empty', '--engine', 'aurora-mysql', '--deletion-protection'))
    const listed = await expectOk(aws('describe-global-clusters'))
    expect(listed.GlobalClusters.map((g: {GlobalClusterIdentifier: string}) => g.GlobalClusterIdentifier)).toEqual(['empty', 'glob'])
    const inRegion = await expectOk(aws('describe-global-clusters', '--filters', 'Name=region,Values=us-east-1'))
    expect(inRegion.GlobalClusters.map((g: {GlobalClusterIdentifier: string}) => g.GlobalClusterIdentifier)).toEqual(['glob'])
    const member = (await expectOk(aws('describe-db-clusters', '--db-cluster-identifier', 'gp'))).DBClusters[0]
    expect(member.GlobalClusterIdentifier).toBe('glob')

    const before = await snapshotState(daemon)
    const unknown = await aws('describe-global-clusters', '--global-cluster-identifier', 'nope')
    expect(unknown.stderr).toContain('GlobalClusterNotFoundFault')
    const both = await aws('failover-global-cluster', '--global-cluster-identifier', 'glob', '--target-db-cluster-identifier', arn,
      '--allow-data-loss', '--switchover')
    expect(both.stderr).toContain('InvalidParameterCombination')
    const toPrimary = await aws('switchover-global-cluster', '--global-cluster-identifier', 'glob', '--target-db-cluster-identifier', arn)
    expect(toPrimary.stderr).toContain('InvalidParameterValue')
    const notEmpty = await aws('delete-global-cluster', '--global-cluster-identifier', 'glob')
    expect(notEmpty.stderr).toContain('InvalidGlobalClusterStateFault')
    const protectedOne = await aws('delete-global-cluster', '--global-cluster-identifier', 'empty')
    expect(protectedOne.stderr).toContain('InvalidParameterCombination')
    expect(await snapshotState(daemon)).toBe(before)

    const renamed = await expectOk(aws('modify-global-cluster', '--global-cluster-identifier', 'empty',
      '--new-global-cluster-identifier', 'empty2', '--no-deletion-protection'))
    expect(renamed.GlobalCluster).toMatchObject({GlobalClusterIdentifier: 'empty2', DeletionProtection: false})
    const removed = await expectOk(aws('remove-from-global-cluster', '--global-cluster-identifier', 'glob', '--db-cluster-identifier', arn))
    expect(removed.GlobalCluster.GlobalClusterMembers).toEqual([])
    for (const id of ['glob', 'empty2']) {
      const deleted = await expectOk(aws('delete-global-cluster', '--global-cluster-identifier', id))
      expect(deleted.GlobalCluster).toMatchObject({GlobalClusterIdentifier: id, Status: 'deleting'})
    }
    expect((await expectOk(aws('describe-global-clusters'))).GlobalClusters).toEqual([])
  })

  it('parses a secondary in another Region, a switchover and a failover with data loss', async () => {
    await expectOk(aws('create-db-cluster', '--db-cluster-identifier', 'gp2', '--engine', 'aurora-postgresql',
      '--master-username', 'master', '--master-user-password', 'secret-pass-1'))
    await untilStatus('cluster', 'gp2', 'available')
    const primary = 'arn:aws:rds:us-east-1:000000000000:cluster:gp2'
    const secondary = 'arn:aws:rds:eu-west-1:000000000000:cluster:gs2'
    await expectOk(aws('create-global-cluster', '--global-cluster-identifier', 'g2', '--source-db-cluster-identifier', primary))
    const created = await awsRds(daemon, ['create-db-cluster', '--db-cluster-identifier', 'gs2', '--engine', 'aurora-postgresql',
      '--global-cluster-identifier', 'g2'], 'eu-west-1')
    expect(created.code, created.stderr).toBe(0)
    expect(created.json.DBCluster).toMatchObject({DBClusterIdentifier: 'gs2', GlobalClusterIdentifier: 'g2'})
    // Promotion needs an instance on each side.
    await expectOk(aws('create-db-instance', '--db-instance-identifier', 'gp2-1', '--db-cluster-identifier', 'gp2',
      '--engine', 'aurora-postgresql', '--db-instance-class', 'db.r6g.large'))
    const instance = await awsRds(daemon, ['create-db-instance', '--db-instance-identifier', 'gs2-1', '--db-cluster-identifier', 'gs2',
      '--engine', 'aurora-postgresql', '--db-instance-class', 'db.r6g.large'], 'eu-west-1')
    expect(instance.code, instance.stderr).toBe(0)
    await untilStatus('instance', 'gp2-1', 'available')
    for (let i = 0; i < 100 && !(await awsRds(daemon, ['describe-db-instances', '--db-instance-identifier', 'gs2-1'], 'eu-west-1'))
      .stdout.includes('"DBInstanceStatus": "available"'); i++) await sleep(50)
    const settled = async () => {
      for (let i = 0; i < 200; i++) {
        const g = (await expectOk(aws('describe-global-clusters', '--global-cluster-identifier', 'g2'))).GlobalClusters[0]
        if (g.Status === 'available' && !g.FailoverState) return g
        await sleep(50)
      }
      throw new Error('g2 never settled')
    }
    await settled()
    const switching = await expectOk(aws('switchover-global-cluster', '--global-cluster-identifier', 'g2', '--target-db-cluster-identifier', secondary))
    expect(switching.GlobalCluster.FailoverState).toMatchObject({FromDbClusterArn: primary, ToDbClusterArn: secondary, IsDataLossAllowed: false})
    const after = await settled()
    expect(after.GlobalClusterMembers.find((m: {IsWriter: boolean}) => m.IsWriter).DBClusterArn).toBe(secondary)
    const failing = await expectOk(aws('failover-global-cluster', '--global-cluster-identifier', 'g2', '--target-db-cluster-identifier', primary, '--allow-data-loss'))
    expect(failing.GlobalCluster.FailoverState).toMatchObject({ToDbClusterArn: primary, IsDataLossAllowed: true})
    expect((await settled()).GlobalClusterMembers.find((m: {IsWriter: boolean}) => m.IsWriter).DBClusterArn).toBe(primary)
  })
})
