import {DescribeDBClustersCommand, DescribeDBInstancesCommand, FailoverDBClusterCommand, RDSClient} from '@aws-sdk/client-rds'
import {mockClient} from 'aws-sdk-client-mock'
import {afterEach, describe, expect, it} from 'vitest'

import type {Rds} from '../../src/lib/rds/client.js'
import {failoverCluster} from '../../src/lib/rds/clusters.js'
import {WaitTimeout, waitUntilUsable} from '../../src/lib/rds/wait.js'

const rdsMock = mockClient(RDSClient)
const rds: Rds = {client: new RDSClient({region: 'us-east-1'}), backend: 'aws', region: 'us-east-1', pollMs: 1}

const cluster = (status: string, writer: string) => ({
  DBClusterIdentifier: 'demo',
  Status: status,
  DBClusterMembers: [
    {DBInstanceIdentifier: 'w', IsClusterWriter: writer === 'w'},
    {DBInstanceIdentifier: 'r', IsClusterWriter: writer === 'r'},
  ],
})
const instances = (status: string) => ({DBInstances: [{DBInstanceIdentifier: 'w', DBInstanceStatus: status}, {DBInstanceIdentifier: 'r', DBInstanceStatus: 'available'}]})

afterEach(() => rdsMock.reset())

describe('waiting until usable', () => {
  it('waits for the cluster and every instance, not just the cluster', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({DBClusters: [cluster('available', 'w')]})
    rdsMock.on(DescribeDBInstancesCommand).resolvesOnce(instances('modifying')).resolvesOnce(instances('modifying')).resolves(instances('available'))
    const states: string[] = []
    await waitUntilUsable(rds, 'demo', {timeoutMs: 5000, onProgress: (s) => states.push(s)})
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)).toHaveLength(3)
    expect(states[0]).toContain('w modifying')
  })

  it('after a failover, waits until the writer has changed (AWS reports available before it has)', async () => {
    rdsMock.on(FailoverDBClusterCommand).resolves({DBCluster: cluster('failing-over', 'w')})
    rdsMock
      .on(DescribeDBClustersCommand)
      .resolvesOnce({DBClusters: [cluster('available', 'w')]})
      .resolvesOnce({DBClusters: [cluster('available', 'w')]})
      .resolvesOnce({DBClusters: [cluster('available', 'w')]})
      .resolves({DBClusters: [cluster('available', 'r')]})
    rdsMock.on(DescribeDBInstancesCommand).resolves(instances('available'))
    const result = await failoverCluster(rds, 'demo', undefined, {timeoutMs: 5000})
    expect(result).toMatchObject({previousWriter: 'w', newWriter: 'r'})
    expect(rdsMock.commandCalls(DescribeDBClustersCommand).length).toBeGreaterThanOrEqual(4)
  })

  it('gives up after the timeout with the last state seen', async () => {
    rdsMock.on(DescribeDBClustersCommand).resolves({DBClusters: [cluster('modifying', 'w')]})
    rdsMock.on(DescribeDBInstancesCommand).resolves(instances('available'))
    const error = await waitUntilUsable(rds, 'demo', {timeoutMs: 20}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WaitTimeout)
    expect((error as WaitTimeout).lastState).toContain('cluster modifying')
  })
})
