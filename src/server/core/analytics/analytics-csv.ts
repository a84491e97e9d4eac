import { csvField } from '../broadcasts/recipients-csv.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { type Analytics, getAnalytics } from './get-analytics.js'

export const ANALYTICS_CHARTS = [
  'response-times',
  'heatmap',
  'topics',
  'sources',
  'agents',
  'variants',
  'daily',
  'handoffs',
] as const
export type AnalyticsChart = (typeof ANALYTICS_CHARTS)[number]

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']

type Cell = string | number | null
const cell = (v: Cell) => csvField(v === null ? null : String(v))

/** A table as CSV: a header row, CRLF line ends, RFC 4180 quoting and formula cells neutralised (csvField). */
export function toCsv(header: readonly string[], rows: readonly Cell[][]): string {
  return [header, ...rows].map((r) => `${r.map(cell).join(',')}\r\n`).join('')
}

/** One chart of the analytics as a table. */
export function chartTable(a: Analytics, chart: AnalyticsChart): { header: string[]; rows: Cell[][] } {
  switch (chart) {
    case 'response-times':
      return {
        header: ['responder', 'count', 'p50_ms', 'p90_ms', 'p99_ms'],
        rows: (['ai', 'agent'] as const).map((k) => {
          const t = a.responseTime[k]
          return [k, t.count, t.p50, t.p90, t.p99]
        }),
      }
    case 'heatmap':
      return {
        header: ['weekday', ...Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'))],
        rows: a.heatmap.map((hours, d) => [WEEKDAY_NAMES[d] ?? String(d), ...hours]),
      }
    case 'topics':
      return { header: ['topic', 'kind', 'count'], rows: a.topTopics.map((t) => [t.topic, t.kind, t.count]) }
    case 'sources':
      return { header: ['source', 'messages'], rows: Object.entries(a.bySource).map(([s, n]) => [s, n]) }
    case 'agents':
      return {
        header: ['user_id', 'name', 'email', 'messages', 'conversations', 'median_first_response_ms'],
        rows: a.perAgent.map((p) => [
          p.userId,
          p.name,
          p.email,
          p.messages,
          p.conversations,
          p.medianFirstResponseMs,
        ]),
      }
    case 'variants':
      return {
        header: ['experiment', 'variant', 'variant_id', 'answers', 'mean_score', 'scored', 'hand_offs'],
        rows: a.perVariant.map((v) => [
          v.experimentName,
          v.variantName,
          v.variantId,
          v.answers,
          v.meanScore,
          v.scored,
          v.handOffs,
        ]),
      }
    case 'daily':
      return {
        header: ['date', 'customer_messages', 'ai_answers', 'agent_messages', 'hand_offs'],
        rows: a.daily.map((d) => [d.date, d.customerMessages, d.aiAnswers, d.agentMessages, d.handOffs]),
      }
    case 'handoffs':
      return { header: ['reason', 'conversations'], rows: a.handOffReasons.map((r) => [r.reason, r.count]) }
  }
}

const isChart = (name: string): name is AnalyticsChart =>
  (ANALYTICS_CHARTS as readonly string[]).includes(name)

/**
 * One chart as a CSV file named after it and its range. Authorization comes first: an unknown
 * chart is a 404 only for someone allowed to read the analytics.
 */
export async function analyticsCsv(
  {
    ctx,
    input,
  }: { ctx: ActorCtx; input: { organizationId: string; chart: string; from?: string; to?: string } },
  now = new Date(),
): Promise<{ fileName: string; body: string }> {
  const { chart, ...rest } = input
  await authorizeOrganization(ctx, input.organizationId, 'stats:read')
  if (!isChart(chart)) throw new NotFound('Chart')
  const analytics = await getAnalytics({ ctx, input: rest }, now)
  const { header, rows } = chartTable(analytics, chart)
  return {
    fileName: `analytics-${chart}-${analytics.range.from}-to-${analytics.range.to}.csv`,
    body: toCsv(header, rows),
  }
}
