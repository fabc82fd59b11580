import {invalidParameterValue} from './faults.js'

export interface Filter {
  Name: string
  Values: string[]
}

export interface Page {
  MaxRecords?: number
  Marker?: string
}

export interface PageOf<T> {
  items: T[]
  marker?: string
}

export function validateMaxRecords(maxRecords: number | undefined): number {
  if (maxRecords === undefined) return 100
  if (!Number.isInteger(maxRecords) || maxRecords < 20 || maxRecords > 100) {
    throw invalidParameterValue(`Invalid value ${maxRecords} for MaxRecords. Must be between 20 and 100`)
  }
  return maxRecords
}

/** Pages by a sort key; the marker is the key of the first item of the next page, so deletions never skip items. */
export function paginate<T>(items: T[], key: (item: T) => string, maxRecords: number, marker: string | undefined): PageOf<T> {
  const keyed = items.map((item) => ({item, k: key(item)}))
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
  const start = marker === undefined ? 0 : keyed.findIndex((x) => x.k >= marker)
  if (start < 0) return {items: []}
  const slice = keyed.slice(start, start + maxRecords)
  const next = keyed[start + maxRecords]
  return {items: slice.map((x) => x.item), ...(next ? {marker: next.k} : {})}
}

/** Identifiers may be given as ARNs (`arn:aws:rds:region:account:cluster:id`); an automated snapshot's id itself has a colon. */
export function stripArn(identifier: string): string {
  return identifier.startsWith('arn:') ? identifier.split(':').slice(6).join(':') : identifier
}
