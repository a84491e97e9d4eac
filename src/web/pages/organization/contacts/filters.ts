import type { ContactQuery } from '../../../api/contacts'
import type { ContactFilter, Segment } from '../../../api/types'

/** The filters as the form holds them (text fields as typed); a segment's attributes come only from a segment. */
export interface Filters {
  search: string
  tags: string[]
  tagMode: 'any' | 'all'
  optedIn: '' | 'yes' | 'no'
  optedOut: '' | 'yes' | 'no'
  lastSeenWithinDays: string
  attributes: Record<string, string>
  /** The segment applied, until a filter is changed by hand. */
  segmentId: string | null
}

export const NO_FILTERS: Filters = {
  search: '',
  tags: [],
  tagMode: 'any',
  optedIn: '',
  optedOut: '',
  lastSeenWithinDays: '',
  attributes: {},
  segmentId: null,
}

const yesNo = (v: '' | 'yes' | 'no') => (v === '' ? undefined : v === 'yes')

/** A whole number of days ≥ 1, or nothing (an empty or unreadable field filters nothing). */
export function daysOf(text: string): number | undefined {
  const n = Number(text.trim())
  return text.trim() !== '' && Number.isInteger(n) && n >= 1 ? n : undefined
}

export function toQuery(f: Filters): ContactQuery {
  return {
    search: f.search.trim() || undefined,
    tags: f.tags.length > 0 ? f.tags : undefined,
    tagMode: f.tags.length > 0 ? f.tagMode : undefined,
    optedIn: yesNo(f.optedIn),
    optedOut: yesNo(f.optedOut),
    lastSeenWithinDays: daysOf(f.lastSeenWithinDays),
    segmentId: f.segmentId ?? undefined,
  }
}

/** What a segment saves: the filters that resolve to contacts whenever the segment is used. */
export function toContactFilter(f: Filters): ContactFilter {
  const filter: ContactFilter = {}
  const search = f.search.trim()
  if (search) filter.search = search
  if (f.tags.length > 0) {
    filter.tags = f.tags
    filter.tagMode = f.tagMode
  }
  const optedIn = yesNo(f.optedIn)
  if (optedIn !== undefined) filter.optedIn = optedIn
  const days = daysOf(f.lastSeenWithinDays)
  if (days !== undefined) filter.lastSeenWithinDays = days
  if (Object.keys(f.attributes).length > 0) filter.attributes = f.attributes
  return filter
}

export function fromSegment(segment: Segment): Filters {
  const f = segment.filter
  return {
    ...NO_FILTERS,
    search: f.search ?? '',
    tags: f.tags ?? [],
    tagMode: f.tagMode ?? 'any',
    optedIn: f.optedIn === undefined ? '' : f.optedIn ? 'yes' : 'no',
    lastSeenWithinDays: f.lastSeenWithinDays === undefined ? '' : String(f.lastSeenWithinDays),
    attributes: f.attributes ?? {},
    segmentId: segment.id,
  }
}

export const hasFilters = (f: Filters) =>
  JSON.stringify({ ...f, segmentId: null }) !== JSON.stringify(NO_FILTERS) || f.segmentId !== null

/** A segment's filter in words, for the list of segments. */
export function describeFilter(f: ContactFilter): string {
  const parts: string[] = []
  if (f.tags && f.tags.length > 0)
    parts.push(`${f.tagMode === 'all' ? 'all of' : 'any of'} the tags ${f.tags.join(', ')}`)
  if (f.optedIn === true) parts.push('opted in')
  if (f.optedIn === false) parts.push('not opted in')
  if (f.lastSeenWithinDays !== undefined) parts.push(`wrote in the last ${f.lastSeenWithinDays} days`)
  if (f.lastSeenBeforeDays !== undefined) parts.push(`silent for ${f.lastSeenBeforeDays} days or more`)
  for (const [k, v] of Object.entries(f.attributes ?? {})) parts.push(`${k} = ${v}`)
  if (f.search) parts.push(`matching “${f.search}”`)
  return parts.length > 0 ? parts.join(' · ') : 'All contacts'
}
