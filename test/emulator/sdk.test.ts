/**
 * @aws-sdk/client-rds (the CLI's client) against a spawned daemon. Run `npm run build` first (`npm test` does);
 * the daemon is stopped by its pid afterwards.
 */
import {
  CreateDBClusterCommand, CreateDBInstanceCommand, DescribeDBClustersCommand, DescribeEventsCommand, FailoverDBClusterCommand,
  RDSClient, waitUntilDBClusterAvailable, waitUntilDBInstanceAvailable,
} from '@aws-sdk/client-rds'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {startDaemon, stopDaemon, type Daemon} from './helpers.js'

let daemon: Daemon
let rds: RDSClient

beforeAll(async () => {
  daemon = await startDaemon({AURORACTL_TIMING: 'fast'})
  rds = new RDSClient({endpoint: daemon.endpoint, region: 'eu-west-1', credentials: {accessKeyId: 'x', secretAccessKey: 'x'}, maxAttempts: 1})
})

afterAll(async () => {
  rds?.destroy()
  if (daemon) await stopDaemon(daemon)
})

describe('AWS SDK for JavaScript v3', () => {
  it('drives a cluster through creation, waiters and failover', async () => {
    const created = await rds.send(new CreateDBClusterCommand({
      DBClusterIdentifier: 'sdk', Engine: 'aurora-mysql', MasterUsername: 'admin', ManageMasterUserPassword: true,
      ServerlessV2ScalingConfiguration: {MinCapacity: 0, MaxCapacity: 4}, BacktrackWindow: 7200,
    }))
    expect(created.DBCluster).toMatchObject({
      DBClusterIdentifier: 'sdk', Status: 'creating', BacktrackWindow: 7200, Port: 3306,
      ServerlessV2ScalingConfiguration: {MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 300},
      AvailabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    })
    expect(created.DBCluster?.ClusterCreateTime).toBeInstanceOf(Date)
    expect(created.DBCluster?.MasterUserSecret?.SecretArn).toMatch(/^arn:aws:secretsmanager:eu-west-1:000000000000:secret:rds!cluster-/)
    for (const [id, cls] of [['sdk-1', 'db.serverless'], ['sdk-2', 'db.r7g.large']]) {
      await rds.send(new CreateDBInstanceCommand({DBInstanceIdentifier: id, DBClusterIdentifier: 'sdk', Engine: 'aurora-mysql', DBInstanceClass: cls}))
    }
    const waiter = {client: rds, minDelay: 1, maxDelay: 1, maxWaitTime: 20}
    expect((await waitUntilDBClusterAvailable(waiter, {DBClusterIdentifier: 'sdk'})).state).toBe('SUCCESS')
    expect((await waitUntilDBInstanceAvailable(waiter, {Filters: [{Name: 'db-cluster-id', Values: ['sdk']}]})).state).toBe('SUCCESS')
    const failing = await rds.send(new FailoverDBClusterCommand({DBClusterIdentifier: 'sdk', TargetDBInstanceIdentifier: 'sdk-2'}))
    expect(failing.DBCluster?.Status).toBe('failing-over')
    expect((await waitUntilDBClusterAvailable(waiter, {DBClusterIdentifier: 'sdk'})).state).toBe('SUCCESS')
    const [cluster] = (await rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'sdk'}))).DBClusters ?? []
    expect(cluster.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier).toBe('sdk-2')
    const events = (await rds.send(new DescribeEventsCommand({SourceType: 'db-cluster'}))).Events ?? []
    expect(events.map((e) => e.Message)).toContain('Completed failover to DB instance: sdk-2')
    expect(events[0].Date).toBeInstanceOf(Date)
  })

  it('surfaces faults as named SDK exceptions with the HTTP status', async () => {
    const error = await rds.send(new DescribeDBClustersCommand({DBClusterIdentifier: 'nope'})).catch((e: unknown) => e)
    expect(error).toMatchObject({name: 'DBClusterNotFoundFault', message: 'DBCluster nope not found.', $fault: 'client', $metadata: {httpStatusCode: 404}})
    const state = await rds.send(new FailoverDBClusterCommand({DBClusterIdentifier: 'sdk', TargetDBInstanceIdentifier: 'sdk-2'})).catch((e: unknown) => e)
    expect(state).toMatchObject({name: 'InvalidParameterValue', $metadata: {httpStatusCode: 400}})
  })
})
