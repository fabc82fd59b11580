import {DescribeEventsCommand, type Event, type SourceType} from '@aws-sdk/client-rds'

import type {Rds} from './client.js'

export interface EventQuery {
  sourceType?: SourceType
  sourceId?: string
  /** Minutes back from now (the API's Duration); AWS keeps 14 days. */
  durationMinutes?: number
}

/** Every event matching the query, oldest first, following `Marker` pages. */
export async function listEvents(rds: Rds, query: EventQuery): Promise<Event[]> {
  const events: Event[] = []
  let marker: string | undefined
  do {
    const out = await rds.client.send(
      new DescribeEventsCommand({SourceType: query.sourceType, SourceIdentifier: query.sourceId, Duration: query.durationMinutes, Marker: marker, MaxRecords: 100}),
    )
    events.push(...(out.Events ?? []))
    marker = out.Marker
  } while (marker)
  return events
}
