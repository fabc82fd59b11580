import type {DBCluster, DBInstance, Event} from '@aws-sdk/client-rds'
import type {ChalkInstance} from 'chalk'

import {renderTable} from './table.js'

function statusColour(c: ChalkInstance, status = ''): string {
  if (status === 'available') return c.green(status)
  if (/fail|error|incompatible|inaccessible/.test(status)) return c.red(status)
  if (status === 'stopped') return c.dim(status)
  return c.yellow(status)
}

function capacity(cluster: DBCluster): string {
  const s = cluster.ServerlessV2ScalingConfiguration
  return s ? `${s.MinCapacity}–${s.MaxCapacity} ACU` : ''
}

export function renderClusterList(clusters: DBCluster[], c: ChalkInstance): string {
  if (clusters.length === 0) return 'No clusters.'
  const rows = clusters.map((cl) => [
    cl.DBClusterIdentifier ?? '',
    statusColour(c, cl.Status),
    `${cl.Engine} ${cl.EngineVersion}`,
    String(cl.DBClusterMembers?.length ?? 0),
    cl.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier ?? '-',
    capacity(cl) || '-',
  ])
  return renderTable(['CLUSTER', 'STATUS', 'ENGINE', 'INSTANCES', 'WRITER', 'SERVERLESS'], rows, c.bold)
}

function onOff(value: boolean | undefined): string {
  return value ? 'on' : 'off'
}

export function renderTopology(cluster: DBCluster, instances: DBInstance[], c: ChalkInstance): string {
  const lines: string[] = []
  lines.push(`${c.bold(cluster.DBClusterIdentifier ?? '')}  ${statusColour(c, cluster.Status)}  ${cluster.Engine} ${cluster.EngineVersion}`)
  const facts: [string, string][] = [
    ['Writer endpoint', `${cluster.Endpoint}:${cluster.Port}`],
    ['Reader endpoint', `${cluster.ReaderEndpoint}:${cluster.Port}`],
    ['Master user', cluster.MasterUsername ?? '-'],
    ['Backup retention', `${cluster.BackupRetentionPeriod ?? '-'} day${cluster.BackupRetentionPeriod === 1 ? '' : 's'}`],
    ['Deletion protection', onOff(cluster.DeletionProtection)],
  ]
  if (cluster.BacktrackWindow) facts.push(['Backtrack window', `${cluster.BacktrackWindow / 3600}h`])
  if (cluster.ServerlessV2ScalingConfiguration) facts.push(['Serverless v2', capacity(cluster)])
  const width = Math.max(...facts.map(([k]) => k.length))
  for (const [k, v] of facts) lines.push(`${c.dim(k.padEnd(width))}  ${v}`)
  lines.push('')
  const members = new Map(cluster.DBClusterMembers?.map((m) => [m.DBInstanceIdentifier, m]))
  const ordered = [...instances].sort(
    (a, b) =>
      Number(Boolean(members.get(b.DBInstanceIdentifier)?.IsClusterWriter)) - Number(Boolean(members.get(a.DBInstanceIdentifier)?.IsClusterWriter)) ||
      (a.DBInstanceIdentifier ?? '').localeCompare(b.DBInstanceIdentifier ?? ''),
  )
  if (ordered.length === 0) {
    lines.push(c.dim('No instances: add one with `auroractl instance add ' + cluster.DBClusterIdentifier + '`.'))
  } else {
    const rows = ordered.map((i) => [
      members.get(i.DBInstanceIdentifier)?.IsClusterWriter ? c.cyan('writer') : 'reader',
      i.DBInstanceIdentifier ?? '',
      statusColour(c, i.DBInstanceStatus),
      i.AvailabilityZone ?? '-',
      i.DBInstanceClass ?? '',
      String(i.PromotionTier ?? members.get(i.DBInstanceIdentifier)?.PromotionTier ?? '-'),
      i.Endpoint ? `${i.Endpoint.Address}:${i.Endpoint.Port}` : '-',
    ])
    lines.push(renderTable(['ROLE', 'INSTANCE', 'STATUS', 'AZ', 'CLASS', 'TIER', 'ENDPOINT'], rows, c.bold))
  }
  return lines.join('\n')
}

export function renderInstance(i: DBInstance, c: ChalkInstance): string {
  const rows = [[
    i.DBInstanceIdentifier ?? '',
    statusColour(c, i.DBInstanceStatus),
    i.DBClusterIdentifier ?? '-',
    i.AvailabilityZone ?? '-',
    i.DBInstanceClass ?? '',
    String(i.PromotionTier ?? '-'),
  ]]
  return renderTable(['INSTANCE', 'STATUS', 'CLUSTER', 'AZ', 'CLASS', 'TIER'], rows, c.bold)
}

export function renderEvents(events: Event[], c: ChalkInstance): string {
  if (events.length === 0) return 'No events in this period.'
  const rows = events.map((e) => [
    e.Date ? new Date(e.Date).toISOString().replace(/\.\d{3}Z$/, 'Z') : '',
    e.SourceIdentifier ?? '',
    e.SourceType ?? '',
    e.Message ?? '',
  ])
  return renderTable(['TIME', 'SOURCE', 'TYPE', 'MESSAGE'], rows, c.bold)
}
