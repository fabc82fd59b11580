import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {MOTO_ENV, type Moto, startMoto} from '../helpers/moto.js'
import {cli} from '../helpers/process.js'
import {lifecycleScenario} from './lifecycle.js'

// Requires `npm run build` first (the README's test command does it).
describe('contract: aws backend against moto_server', () => {
  let moto: Moto
  beforeAll(async () => {
    moto = await startMoto()
  })
  afterAll(async () => {
    await moto?.stop()
  })

  it('runs the cluster lifecycle', async () => {
    const target = ['--backend', 'aws', '--endpoint-url', moto.endpoint, '--region', 'us-east-1']
    await lifecycleScenario((args, input) => cli([...args, ...target], {env: MOTO_ENV, input}), 'contract-moto')
  })

  it('connect --print on AWS uses the addresses DescribeDBClusters and DescribeDBInstances give', async () => {
    const target = ['--backend', 'aws', '--endpoint-url', moto.endpoint, '--region', 'us-east-1']
    const run = (args: string[], input?: string) => cli([...args, ...target], {env: MOTO_ENV, input})
    const created = await run(['cluster', 'create', 'conn-moto', '--instances', '2', '--master-username', 'opsadmin', '--master-password-stdin', '--json'], 'pa55word-moto\n')
    expect(created.code, created.stderr).toBe(0)
    const cluster = JSON.parse((await run(['cluster', 'describe', 'conn-moto', '--json'])).stdout) as {Endpoint: string; ReaderEndpoint: string; Port: number; DBClusterMembers: {DBInstanceIdentifier: string}[]}
    const writer = await run(['connect', 'conn-moto', '--print'])
    expect(writer.code, writer.stderr).toBe(0)
    expect(writer.stdout.trim()).toBe(`postgresql://opsadmin@${cluster.Endpoint}:${cluster.Port}/postgres`)
    const reader = await run(['connect', 'conn-moto', '--reader', '--print'])
    expect(reader.stdout.trim()).toBe(`postgresql://opsadmin@${cluster.ReaderEndpoint}:${cluster.Port}/postgres`)
    const id = cluster.DBClusterMembers[0].DBInstanceIdentifier
    const instance = JSON.parse((await run(['connect', 'conn-moto', '--instance', id, '--json'])).stdout) as {host: string; endpoint: string}
    expect(instance).toMatchObject({endpoint: 'instance', instance: id})
    expect(instance.host).toContain(id)
    expect((await run(['cluster', 'delete', 'conn-moto', '--yes', '--skip-final-snapshot'])).code).toBe(0)
  })
})
