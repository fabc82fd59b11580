import type {DBCluster} from '@aws-sdk/client-rds'

import {ClientSideFault} from '../fault.js'
import {computeReport} from '../local/compute.js'
import type {Rds} from '../rds/client.js'
import {describeCluster, describeInstance} from '../rds/read.js'

/** Where a SQL client reaches a cluster: host, port, user and database — never the password. */
export interface SqlEndpoint {
  cluster: string
  engine: string
  endpoint: 'cluster' | 'reader' | 'instance'
  instance?: string
  host: string
  port: number
  user: string
  database: string
  /** `postgresql://user@host:port/db` (or `mysql://…`), without a password. */
  uri: string
}

export interface EndpointChoice {
  reader?: boolean
  instance?: string
  /** The local emulator's daemon was started on the way (for the notice). */
  onDaemonStarted?: (endpoint: string, pid: number) => void
}

function uriOf(engine: string, user: string, host: string, port: number, database: string): string {
  const scheme = engine === 'aurora-mysql' ? 'mysql' : 'postgresql'
  return `${scheme}://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(database)}`
}

function defaultDatabase(cluster: DBCluster): string {
  return cluster.DatabaseName ?? (cluster.Engine === 'aurora-mysql' ? '' : 'postgres')
}

/**
 * The endpoint to connect to: on AWS, the addresses DescribeDBClusters/Instances give; on the
 * local emulator, the 127.0.0.1 port its compute serves the endpoint on.
 */
export async function sqlEndpoint(rds: Rds, clusterId: string, choice: EndpointChoice, local: boolean): Promise<SqlEndpoint> {
  const cluster = await describeCluster(rds, clusterId)
  const engine = cluster.Engine ?? ''
  const user = cluster.MasterUsername ?? ''
  const database = defaultDatabase(cluster)
  const id = cluster.DBClusterIdentifier ?? clusterId
  const kind: SqlEndpoint['endpoint'] = choice.instance ? 'instance' : choice.reader ? 'reader' : 'cluster'
  const instance = choice.instance?.toLowerCase()
  if (instance && !cluster.DBClusterMembers?.some((m) => m.DBInstanceIdentifier === instance)) {
    throw new ClientSideFault('DBInstanceNotFound', `Instance ${choice.instance} is not a member of cluster ${id}.`)
  }
  if (local) {
    const report = await computeReport(rds.region, id, choice.onDaemonStarted)
    if (report.sql === 'none') throw new ClientSideFault('SqlEngineUnavailable', `Cannot connect to ${id}: ${report.reason}.`)
    const found = report.endpoints.find((e) => e.kind === kind && (kind !== 'instance' || e.instance === instance))
    if (!found) {
      throw new ClientSideFault('InvalidDBClusterStateFault', `The ${kind} endpoint of ${id} is not serving yet (cluster ${cluster.Status}); try again when it is available.`)
    }
    return {cluster: id, engine, endpoint: kind, ...(instance ? {instance} : {}), host: found.host, port: found.port, user, database, uri: uriOf(engine, user, found.host, found.port, database)}
  }
  let host: string | undefined
  let port = cluster.Port
  if (kind === 'cluster') host = cluster.Endpoint
  else if (kind === 'reader') host = cluster.ReaderEndpoint
  else {
    const described = await describeInstance(rds, instance!)
    host = described.Endpoint?.Address
    port = described.Endpoint?.Port ?? port
  }
  if (!host || !port) throw new ClientSideFault('InvalidDBClusterStateFault', `The ${kind} endpoint of ${id} has no address yet (cluster ${cluster.Status}).`)
  return {cluster: id, engine, endpoint: kind, ...(instance ? {instance} : {}), host, port, user, database, uri: uriOf(engine, user, host, port, database)}
}
