import type {DBCluster, DBClusterBacktrack, DBClusterSnapshot, DBInstance, Event, GlobalCluster} from '@aws-sdk/client-rds'
import type {ChalkInstance} from 'chalk'

import {isoTime} from '../iso-time.js'
import {formatDuration} from './duration.js'
import type {ComputeReport} from '../local/compute.js'
import type {GlobalReplicationReport, RegionLink} from '../local/global.js'
import type {GlobalMember} from '../rds/global.js'
import type {FaultReport, VolumeReport} from '../local/storage.js'
import {renderTable} from './table.js'

function statusColour(c: ChalkInstance, status = ''): string {
  if (status === 'available' || status === 'completed') return c.green(status)
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

/** What the local emulator adds to a cluster's description: its volume and where its SQL endpoints listen. */
export interface LocalDetail {
  volume: VolumeReport
  compute: ComputeReport
}

export function renderTopology(cluster: DBCluster, instances: DBInstance[], c: ChalkInstance, local?: LocalDetail): string {
  const compute = local?.compute
  const reachable = (kind: string, instance?: string) => {
    const e = compute?.endpoints.find((x) => x.kind === kind && x.instance === instance)
    return e ? c.dim(` → ${e.host}:${e.port}`) : ''
  }
  const lines: string[] = []
  lines.push(`${c.bold(cluster.DBClusterIdentifier ?? '')}  ${statusColour(c, cluster.Status)}  ${cluster.Engine} ${cluster.EngineVersion}`)
  const facts: [string, string][] = [
    ['Writer endpoint', `${cluster.Endpoint}:${cluster.Port}${reachable('cluster')}`],
    ['Reader endpoint', `${cluster.ReaderEndpoint}:${cluster.Port}${reachable('reader')}`],
    ['Master user', cluster.MasterUsername ?? '-'],
    ['Backup retention', `${cluster.BackupRetentionPeriod ?? '-'} day${cluster.BackupRetentionPeriod === 1 ? '' : 's'}`],
    ['Deletion protection', onOff(cluster.DeletionProtection)],
  ]
  if (cluster.EarliestRestorableTime) {
    facts.push(['Restorable', `${isoTime(cluster.EarliestRestorableTime)} to ${isoTime(cluster.LatestRestorableTime)}`])
  }
  if (cluster.BacktrackWindow) {
    const earliest = cluster.EarliestBacktrackTime ? `; back to ${isoTime(cluster.EarliestBacktrackTime)}` : ''
    facts.push(['Backtrack window', `${formatDuration(cluster.BacktrackWindow * 1000)}${earliest}`])
  }
  if (cluster.ServerlessV2ScalingConfiguration) facts.push(['Serverless v2', capacity(cluster)])
  if (local) {
    const {volume} = local
    const quorum = volume.writeQuorum === 'available' ? '' : c.red('; writes refused: write quorum lost')
    facts.push(['Volume', `${bytes(volume.usedBytes)} used, ${bytes(volume.allocatedBytes)} allocated (VDL ${volume.vdl})${quorum}`])
    if (compute?.sql === 'none') facts.push(['SQL', c.yellow(compute.reason ?? 'no SQL engine')])
    else {
      facts.push(['SQL', `PostgreSQL (PGlite) on this machine, at the → addresses; \`auroractl connect ${cluster.DBClusterIdentifier}\` runs psql`])
      if (compute && compute.replicaLag.samples > 0) {
        facts.push(['Replica lag', `p50 ${compute.replicaLag.p50Ms} ms, p99 ${compute.replicaLag.p99Ms} ms over ${compute.replicaLag.samples} commits`])
      }
    }
  }
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
      (i.Endpoint ? `${i.Endpoint.Address}:${i.Endpoint.Port}` : '-') + reachable('instance', i.DBInstanceIdentifier),
      ...(compute?.sql === 'postgresql' ? [lagOf(compute, i.DBInstanceIdentifier)] : []),
    ])
    const lagHeader = compute?.sql === 'postgresql' ? ['LAG'] : []
    lines.push(renderTable(['ROLE', 'INSTANCE', 'STATUS', 'AZ', 'CLASS', 'TIER', 'ENDPOINT', ...lagHeader], rows, c.bold))
  }
  return lines.join('\n')
}

/** A replica's lag as the emulator measured it; '-' while its engine is not running (it starts on first use). */
function lagOf(compute: ComputeReport, id: string | undefined): string {
  const engine = compute.instances.find((x) => x.id === id)
  if (!engine || engine.role === 'writer' || engine.lagMs === undefined) return '-'
  return `${engine.lagMs} ms`
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
    e.Date ? isoTime(e.Date) : '',
    e.SourceIdentifier ?? '',
    e.SourceType ?? '',
    e.Message ?? '',
  ])
  return renderTable(['TIME', 'SOURCE', 'TYPE', 'MESSAGE'], rows, c.bold)
}

export function renderSnapshotList(snapshots: DBClusterSnapshot[], c: ChalkInstance): string {
  if (snapshots.length === 0) return 'No snapshots.'
  const rows = snapshots.map((s) => [
    s.DBClusterSnapshotIdentifier ?? '',
    s.DBClusterIdentifier ?? '',
    s.SnapshotType ?? '',
    statusColour(c, s.Status),
    isoTime(s.SnapshotCreateTime),
    `${s.Engine} ${s.EngineVersion ?? ''}`.trim(),
  ])
  return renderTable(['SNAPSHOT', 'CLUSTER', 'TYPE', 'STATUS', 'CREATED', 'ENGINE'], rows, c.bold)
}

export function renderSnapshot(s: DBClusterSnapshot, c: ChalkInstance): string {
  const progress = s.Status !== 'available' && s.PercentProgress !== undefined ? ` (${s.PercentProgress}%)` : ''
  const facts: [string, string][] = [
    ['Cluster', s.DBClusterIdentifier ?? '-'],
    ['Type', s.SnapshotType ?? '-'],
    ['Created', isoTime(s.SnapshotCreateTime)],
    ['Engine', `${s.Engine} ${s.EngineVersion ?? ''}`.trim()],
    ['Master user', s.MasterUsername ?? '-'],
    ['Encrypted', s.StorageEncrypted ? 'yes' : 'no'],
    ['ARN', s.DBClusterSnapshotArn ?? '-'],
  ]
  if (s.SourceDBClusterSnapshotArn) facts.push(['Copied from', s.SourceDBClusterSnapshotArn])
  const width = Math.max(...facts.map(([k]) => k.length))
  return [
    `${c.bold(s.DBClusterSnapshotIdentifier ?? '')}  ${statusColour(c, s.Status)}${progress}`,
    ...facts.map(([k, v]) => `${c.dim(k.padEnd(width))}  ${v}`),
  ].join('\n')
}

export function renderBacktracks(backtracks: DBClusterBacktrack[], c: ChalkInstance): string {
  if (backtracks.length === 0) return 'No backtracks.'
  const rows = backtracks.map((b) => [
    b.BacktrackIdentifier ?? '',
    statusColour(c, b.Status),
    isoTime(b.BacktrackTo),
    isoTime(b.BacktrackedFrom),
    isoTime(b.BacktrackRequestCreationTime),
  ])
  return renderTable(['BACKTRACK', 'STATUS', 'BACKTRACK TO', 'BACKTRACKED FROM', 'REQUESTED'], rows, c.bold)
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = n
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`
}

function quorum(c: ChalkInstance, state: string, needed: string): string {
  return state === 'available' ? c.green(`available (${needed})`) : c.red(`lost (needs ${needed})`)
}

export function renderVolume(v: VolumeReport, c: ChalkInstance): string {
  const lines = [
    `${c.bold(v.cluster)}  volume ${v.volumeId}  ${v.engine}  epoch ${v.epoch}  VCL ${v.vcl}  VDL ${v.vdl}`,
    `${c.dim('Size'.padEnd(12))}  ${bytes(v.allocatedBytes)} allocated in ${v.protectionGroups.length} protection group${v.protectionGroups.length === 1 ? '' : 's'} (max ${bytes(v.maxBytes)}); ${bytes(v.usedBytes)} used; ${v.records} records in the log`,
    `${c.dim('Writes'.padEnd(12))}  ${quorum(c, v.writeQuorum, '4/6')}`,
    `${c.dim('Reads'.padEnd(12))}  ${quorum(c, v.readQuorum, '3/6')}`,
    `${c.dim('Repair'.padEnd(12))}  ${v.repairPaused ? c.yellow('paused') : 'running'}`,
  ]
  if (v.backup) lines.push(`${c.dim('Backup'.padEnd(12))}  continuous from LSN ${v.backup.fromLsn}; ${bytes(v.backup.archivedBytes)} of log archived`)
  if (v.content) {
    const content = 'crc32' in v.content ? `crc32 ${v.content.crc32} over ${v.content.blocks} blocks, read at LSN ${v.content.readPoint}` : c.red(`reads refused: ${v.content.message}`)
    lines.push(`${c.dim('Content'.padEnd(12))}  ${content}`)
  }
  lines.push('')
  if (v.protectionGroups.length === 0) {
    lines.push(c.dim('No data written yet: the first write allocates protection group 0.'))
    return lines.join('\n')
  }
  const state = (s: string) => (s === 'healthy' ? c.green(s) : s === 'rebuilding' ? c.yellow(s) : c.red(s))
  const rows = v.protectionGroups.flatMap((g) =>
    g.segments.map((s) => [String(g.index), s.id, s.az, s.node, String(s.scl), state(s.state), String(s.records), String(g.pgcl), String(g.membershipEpoch)]),
  )
  lines.push(renderTable(['PG', 'SEGMENT', 'AZ', 'NODE', 'SCL', 'STATE', 'RECORDS', 'PGCL', 'MEMBERSHIP'], rows, c.bold))
  for (const g of v.protectionGroups) {
    if (g.repair) lines.push(c.yellow(`PG ${g.index}: rebuilding ${g.repair.replacing} as ${g.repair.incoming} (${bytes(g.repair.bytes)}, ready by ${g.repair.readyAt})`))
  }
  if (v.recentEvents.length > 0) {
    lines.push('', c.dim('Recent storage events:'))
    for (const e of v.recentEvents.slice(-5)) lines.push(`  ${e.at}  ${describeVolumeEvent(e)}`)
  }
  return lines.join('\n')
}

function describeVolumeEvent(e: VolumeReport['recentEvents'][number]): string {
  switch (e.type) {
    case 'repair-started':
      return `PG ${e.pg}: ${e.segment} replaced by ${e.replacement}; rebuilding ${bytes(e.bytes)} from peers`
    case 'repair-finished':
      return `PG ${e.pg}: ${e.replacement} rebuilt (${bytes(e.bytes)} in ${e.copyMs.toFixed(1)} ms); six copies again`
    case 'recovered':
      return `volume recovered at VDL ${e.vdl} (epoch ${e.epoch}, ${e.truncated} unacknowledged records discarded)`
  }
}

export function renderFaults(f: FaultReport, c: ChalkInstance): string {
  const none = c.dim('none')
  return [
    `${c.dim('Region'.padEnd(14))}  ${f.region}`,
    `${c.dim('AZs down'.padEnd(14))}  ${f.downAzs.join(', ') || none}`,
    `${c.dim('Nodes down'.padEnd(14))}  ${f.downNodes.join(', ') || none}`,
    `${c.dim('Lost segments'.padEnd(14))}  ${f.lostSegments.map((s) => `${s.cluster} PG ${s.pg} ${s.segment}`).join(', ') || none}`,
    `${c.dim('Repair'.padEnd(14))}  ${f.repairPaused ? c.yellow('paused') : 'running'}`,
    ...(f.failedOverWriters?.length ? [`${c.dim('Failing over'.padEnd(14))}  ${f.failedOverWriters.join(', ')} (writers in the AZ)`] : []),
  ].join('\n')
}

function memberName(arn: string | undefined, members: GlobalMember[]): string {
  const m = members.find((x) => x.arn === arn)
  return m ? `${m.cluster} (${m.region})` : arn ?? '?'
}

export function renderGlobalList(globals: GlobalCluster[], c: ChalkInstance): string {
  if (globals.length === 0) return 'No global clusters.'
  const rows = globals.map((g) => [
    g.GlobalClusterIdentifier ?? '',
    statusColour(c, g.Status),
    `${g.Engine} ${g.EngineVersion ?? ''}`.trim(),
    String(g.GlobalClusterMembers?.length ?? 0),
    g.FailoverState?.Status ?? '-',
  ])
  return renderTable(['GLOBAL CLUSTER', 'STATUS', 'ENGINE', 'MEMBERS', 'FAILOVER'], rows, c.bold)
}

/** A global cluster, its members by Region and, on the local emulator, each secondary's replication. */
export function renderGlobal(g: GlobalCluster, members: GlobalMember[], c: ChalkInstance, replication?: GlobalReplicationReport): string {
  const lines = [`${c.bold(g.GlobalClusterIdentifier ?? '')}  ${statusColour(c, g.Status)}  ${g.Engine} ${g.EngineVersion ?? ''}`.trimEnd()]
  const f = g.FailoverState
  const facts: [string, string][] = [
    ['Writer endpoint', `${g.Endpoint ?? '-'}${replication?.writerEndpoint ? c.dim(` → ${replication.writerEndpoint.host}:${replication.writerEndpoint.port}`) : ''}`],
    ['Failover', f?.Status ? `${c.yellow(f.Status)}: ${memberName(f.FromDbClusterArn, members)} → ${memberName(f.ToDbClusterArn, members)}${f.IsDataLossAllowed ? ' (data loss allowed)' : ''}` : 'none'],
    ['Deletion protection', onOff(g.DeletionProtection)],
  ]
  const last = replication?.lastFailover
  if (last) {
    const lost = last.lostCommits === 0 ? 'no commits lost' : c.red(`${last.lostCommits} commits lost (LSN ${last.fromLsn} → ${last.toLsn})`)
    facts.push(['Last failover', `${lost} at ${last.at}`])
  }
  const width = Math.max(...facts.map(([k]) => k.length))
  for (const [k, v] of facts) lines.push(`${c.dim(k.padEnd(width))}  ${v}`)
  lines.push('')
  if (members.length === 0) {
    lines.push(c.dim(`No members: add a Region with \`auroractl global add-region ${g.GlobalClusterIdentifier} <region>\`.`))
    return lines.join('\n')
  }
  const ordered = [...members].sort((a, b) => Number(b.role === 'writer') - Number(a.role === 'writer') || a.region.localeCompare(b.region))
  const rows = ordered.map((m) => {
    const row = [m.role === 'writer' ? c.cyan('writer') : 'reader', m.region, m.cluster, statusColour(c, m.status), m.synchronization ?? '-']
    if (!replication) return row
    const s = replication.secondaries.find((x) => x.region === m.region && x.cluster === m.cluster)
    if (s?.lagMs === undefined) return [...row, '-', '-']
    const p99 = s.replicationLag?.p99Ms === undefined ? '' : `; p99 ${s.replicationLag.p99Ms} ms`
    return [...row, `${s.lagMs} ms (${s.lagLsn} LSN)${p99}`, s.linkUp ? 'up' : c.red('down')]
  })
  const extra = replication ? ['LAG', 'LINK'] : []
  lines.push(renderTable(['ROLE', 'REGION', 'CLUSTER', 'STATUS', 'SYNC', ...extra], rows, c.bold))
  return lines.join('\n')
}

export function renderLinks(links: RegionLink[], c: ChalkInstance): string {
  if (links.length === 0) return 'No links between Regions yet.'
  return renderTable(['REGION A', 'REGION B', 'LATENCY', 'STATE'], links.map((l) => [l.a, l.b, `${l.latencyMs} ms`, l.up ? c.green('up') : c.red('down')]), c.bold)
}
