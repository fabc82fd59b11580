import {invalidParameterCombination, invalidParameterValue} from './faults.js'
import type {EventSourceType, RdsEvent} from './model.js'
import {paginate, validateMaxRecords, type Page, type PageOf} from './paging.js'
import type {ControlState} from './state.js'

/**
 * The RDS events the control plane emits, with AWS's ids, categories and messages
 * (Aurora User Guide, "Amazon RDS event categories and event messages for Aurora").
 */
export interface EventTemplate {
  id: string
  sourceType: EventSourceType
  category: string
  message: (detail: string) => string
}

const t = (id: string, sourceType: EventSourceType, category: string, message: (detail: string) => string): EventTemplate => ({
  id, sourceType, category, message,
})

export const EVENTS = {
  clusterCreated: t('RDS-EVENT-0170', 'db-cluster', 'creation', () => 'DB cluster created'),
  clusterDeleted: t('RDS-EVENT-0171', 'db-cluster', 'deletion', () => 'DB cluster deleted'),
  clusterStopped: t('RDS-EVENT-0150', 'db-cluster', 'notification', () => 'DB cluster stopped'),
  clusterStarted: t('RDS-EVENT-0151', 'db-cluster', 'notification', () => 'DB cluster started'),
  masterCredentialsReset: t('RDS-EVENT-0016', 'db-cluster', 'configuration change', () => 'Reset master credentials'),
  failoverStartedSameAz: t('RDS-EVENT-0072', 'db-cluster', 'failover', (id) => `Started same AZ failover to DB instance: ${id}`),
  failoverStartedCrossAz: t('RDS-EVENT-0073', 'db-cluster', 'failover', (id) => `Started cross AZ failover to DB instance: ${id}`),
  failoverFailed: t('RDS-EVENT-0069', 'db-cluster', 'failover', () => 'Cluster failover failed, check the health of your cluster instances and try again'),
  failoverCompleted: t('RDS-EVENT-0071', 'db-cluster', 'failover', (id) => `Completed failover to DB instance: ${id}`),
  // Global database events name a cluster and its Region: the detail is `<cluster> in Region <region>`.
  globalSwitchoverStarted: t('RDS-EVENT-0181', 'db-cluster', 'global failover', (d) => `Global switchover to DB cluster ${d} started.`),
  globalOldPrimaryShutDown: t('RDS-EVENT-0182', 'db-cluster', 'global failover', (d) => `Old primary DB cluster ${d} successfully shut down.`),
  globalSyncWaiting: t('RDS-EVENT-0183', 'db-cluster', 'global failover',
    (lag) => `Waiting for data synchronization across global cluster members. Current lags behind primary DB cluster: ${lag}.`),
  globalNewPrimaryPromoted: t('RDS-EVENT-0184', 'db-cluster', 'global failover', (d) => `New primary DB cluster ${d} was successfully promoted.`),
  globalSwitchoverFinished: t('RDS-EVENT-0185', 'db-cluster', 'global failover', (d) => `Global switchover to DB cluster ${d} finished.`),
  // The detail's second line says what the failover lost (the emulator's addition to AWS's message).
  globalFailoverCompleted: t('RDS-EVENT-0238', 'db-cluster', 'global failover', (d) => {
    const [cluster, loss] = d.split('\n')
    return `Global failover to DB cluster ${cluster} completed.${loss ? ` ${loss}` : ''}`
  }),
  globalResyncStarted: t('RDS-EVENT-0240', 'db-cluster', 'global failover',
    (d) => `Started resynchronizing members of DB cluster ${d} after global failover.`),
  globalResyncFinished: t('RDS-EVENT-0241', 'db-cluster', 'global failover',
    (d) => `Finished resynchronizing members of DB cluster ${d} after global failover.`),
  instanceCreated: t('RDS-EVENT-0005', 'db-instance', 'creation', () => 'DB instance created'),
  instanceDeleted: t('RDS-EVENT-0003', 'db-instance', 'deletion', () => 'DB instance deleted'),
  instanceRestarted: t('RDS-EVENT-0006', 'db-instance', 'availability', () => 'DB instance restarted'),
  instanceClassApplying: t('RDS-EVENT-0012', 'db-instance', 'configuration change', () => 'Applying modification to database instance class'),
  instanceClassApplied: t('RDS-EVENT-0014', 'db-instance', 'configuration change', () => 'Finished applying modification to DB instance class'),
  instanceStopped: t('RDS-EVENT-0087', 'db-instance', 'notification', () => 'DB instance stopped'),
  instanceStarted: t('RDS-EVENT-0088', 'db-instance', 'notification', () => 'DB instance started'),
  snapshotCreating: t('RDS-EVENT-0074', 'db-cluster-snapshot', 'backup', () => 'Creating manual cluster snapshot'),
  snapshotCreated: t('RDS-EVENT-0075', 'db-cluster-snapshot', 'backup', () => 'Manual cluster snapshot created'),
  automatedSnapshotCreating: t('RDS-EVENT-0168', 'db-cluster-snapshot', 'backup', () => 'Creating automated cluster snapshot'),
  automatedSnapshotCreated: t('RDS-EVENT-0169', 'db-cluster-snapshot', 'backup', () => 'Automated cluster snapshot created'),
} as const

/** Events are kept for 14 days (AURORA_FACTS §11). */
export const EVENT_RETENTION_MS = 14 * 24 * 60 * 60 * 1000

export const EVENT_SOURCE_TYPES = [
  'db-instance', 'db-parameter-group', 'db-security-group', 'db-snapshot', 'db-cluster', 'db-cluster-snapshot',
  'custom-engine-version', 'db-proxy', 'blue-green-deployment', 'db-shard-group', 'zero-etl',
] as const

export interface DescribeEventsInput extends Page {
  SourceIdentifier?: string
  SourceType?: string
  StartTime?: Date
  EndTime?: Date
  Duration?: number
  EventCategories?: string[]
}

/** DescribeEvents: the last 60 minutes unless StartTime/EndTime/Duration (minutes) say otherwise. */
export function describeEvents(state: ControlState, regionName: string, input: DescribeEventsInput): PageOf<RdsEvent & {region: string}> {
  const maxRecords = validateMaxRecords(input.MaxRecords)
  if (input.SourceType !== undefined && !(EVENT_SOURCE_TYPES as readonly string[]).includes(input.SourceType)) {
    throw invalidParameterValue(
      `Value ${input.SourceType} for parameter SourceType is invalid. Valid values are: ${EVENT_SOURCE_TYPES.join(', ')}.`,
    )
  }
  if (input.SourceIdentifier !== undefined && input.SourceType === undefined) {
    throw invalidParameterCombination('Cannot specify SourceIdentifier without specifying SourceType.')
  }
  if (input.Duration !== undefined && (!Number.isInteger(input.Duration) || input.Duration < 0)) {
    throw invalidParameterValue(`Invalid value ${input.Duration} for Duration.`)
  }
  const now = state.now
  const end = input.EndTime?.getTime() ?? now
  const start = input.StartTime?.getTime() ??
    (input.Duration !== undefined ? end - input.Duration * 60_000 : (input.EndTime ? end - 3_600_000 : now - 3_600_000))
  if (start > end) throw invalidParameterCombination('StartTime must be before EndTime.')
  const region = state.region(regionName)
  const sourceId = input.SourceIdentifier?.toLowerCase()
  const categories = input.EventCategories?.map((c) => c.toLowerCase())
  const events = region.events.filter((e) =>
    e.at >= start && e.at <= end &&
    (input.SourceType === undefined || e.sourceType === input.SourceType) &&
    (sourceId === undefined || e.sourceId === sourceId) &&
    (categories === undefined || categories.length === 0 || e.categories.some((c) => categories.includes(c))))
  const page = paginate(events, (e) => String(e.seq).padStart(12, '0'), maxRecords, input.Marker)
  return {
    items: page.items.map(({seq: _seq, ...event}) => ({...event, region: region.name})),
    marker: page.marker,
  }
}
