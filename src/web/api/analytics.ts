import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api } from './client'
import type { ResponseOf } from './types'

/** A calendar range in the organization's time zone, both ends included (YYYY-MM-DD). */
export interface DateRange {
  from: string
  to: string
}

/** GET …/analytics: figures for a range of days in the organization's time zone. */
export type Analytics = ResponseOf<'/api/organizations/{id}/analytics', 'get'>

/** The charts the server offers as CSV (GET …/analytics/{chart}.csv). */
export type AnalyticsChart =
  | 'response-times'
  | 'heatmap'
  | 'topics'
  | 'sources'
  | 'agents'
  | 'variants'
  | 'daily'
  | 'handoffs'

const rangeQuery = (range: DateRange) => new URLSearchParams({ from: range.from, to: range.to })

export const analyticsKey = (orgId: string) => ['organizations', orgId, 'analytics'] as const

export function useAnalytics(orgId: string, range: DateRange) {
  return useQuery({
    queryKey: [...analyticsKey(orgId), range.from, range.to] as const,
    queryFn: () => api<Analytics>(`/api/organizations/${orgId}/analytics?${rangeQuery(range)}`),
    placeholderData: keepPreviousData,
    retry: false,
  })
}

/** Where one chart's figures download as CSV (the browser sends the session cookie itself). */
export const analyticsCsvUrl = (orgId: string, chart: AnalyticsChart, range: DateRange) =>
  `/api/organizations/${orgId}/analytics/${chart}.csv?${rangeQuery(range)}`
