import { type AnalyticsChart, analyticsCsvUrl, type DateRange, useAnalytics } from '../../../api/analytics'
import type { Organization } from '../../../api/types'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { messageSourceLabel } from '../../../components/format'
import { AgentActivityTable } from './AgentActivityTable'
import { BusiestHours } from './BusiestHours'
import { ChartCard } from './ChartCard'
import { CountBars } from './CountBars'
import { DailyTrendChart } from './DailyTrendChart'
import { CHART_COLORS, handOffReasonLabel } from './figures'
import { KeyFigures } from './KeyFigures'
import { ResponseTimeChart } from './ResponseTimeChart'
import { VariantSummaryTable } from './VariantSummaryTable'

/** Every chart of GET …/analytics for the chosen range, each with its CSV. */
export function RangeAnalytics({ org, range }: { org: Organization; range: DateRange }) {
  const analytics = useAnalytics(org.id, range)
  const csv = (chart: AnalyticsChart) => analyticsCsvUrl(org.id, chart, range)
  if (analytics.isPending) return <LoadingBlock label="Loading the charts…" lines={6} />
  if (analytics.isError) return <ErrorNotice error={analytics.error} title="Could not load the charts" />
  const a = analytics.data
  return (
    <div className="space-y-4" aria-busy={analytics.isFetching || undefined} data-testid="range-analytics">
      <KeyFigures analytics={a} />
      <ChartCard
        title="Daily trend"
        testId="chart-daily"
        csvUrl={csv('daily')}
        description="Customer messages, AI answers, agent messages and hand-offs, per day."
      >
        <DailyTrendChart daily={a.daily} />
      </ChartCard>
      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard
          title="Reply times"
          testId="chart-response-time"
          csvUrl={csv('response-times')}
          description="How long customers waited for a reply: half waited less than the median, nine in ten less than p90."
        >
          <ResponseTimeChart responseTime={a.responseTime} />
        </ChartCard>
        <ChartCard
          title="Why conversations went to a person"
          testId="chart-hand-offs"
          csvUrl={csv('handoffs')}
        >
          <CountBars
            title="Hand-off reasons"
            valueName="Conversations"
            color={CHART_COLORS[4]}
            rows={a.handOffReasons.map((r) => ({ label: handOffReasonLabel(r.reason), count: r.count }))}
          />
        </ChartCard>
        <ChartCard title="Top topics" testId="chart-topics" csvUrl={csv('topics')}>
          <CountBars
            title="Top topics"
            valueName="Questions"
            rows={a.topTopics.map((t) => ({ label: t.topic, count: t.count }))}
          />
        </ChartCard>
        <ChartCard title="Messages by source" testId="chart-sources" csvUrl={csv('sources')}>
          <CountBars
            title="Messages by source"
            valueName="Messages"
            color={CHART_COLORS[1]}
            rows={Object.entries(a.bySource).map(([source, count]) => ({
              label: messageSourceLabel(source),
              count: count ?? 0,
            }))}
          />
        </ChartCard>
      </div>
      <ChartCard
        title="Busiest hours"
        testId="chart-heatmap"
        csvUrl={csv('heatmap')}
        description={`Customer messages by weekday and hour, in ${a.timezone}.`}
      >
        <BusiestHours heatmap={a.heatmap} timeZone={a.timezone} />
      </ChartCard>
      <div className="grid gap-4 lg:grid-cols-2">
        <ChartCard title="Agents" testId="chart-agents" csvUrl={csv('agents')}>
          <AgentActivityTable agents={a.perAgent} />
        </ChartCard>
        <ChartCard title="A/B test variants" testId="chart-variants" csvUrl={csv('variants')}>
          <VariantSummaryTable variants={a.perVariant} />
        </ChartCard>
      </div>
    </div>
  )
}
