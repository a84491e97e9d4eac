import type { DateRange } from '../../../api/analytics'
import { useQuality } from '../../../api/quality'
import { atLeast, type Organization } from '../../../api/types'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { ChartCard } from './ChartCard'
import { QualityDistribution } from './QualityDistribution'
import { QualitySettingsForm } from './QualitySettingsForm'
import { QualityTrend } from './QualityTrend'
import { WorstConversations } from './WorstConversations'

/** How good the answers were in the range, which conversations to read, and how scoring works. */
export function QualitySection({ org, range }: { org: Organization; range: DateRange }) {
  const quality = useQuality(org.id, range)
  return (
    <section className="space-y-4" aria-labelledby="analytics-quality">
      <h2 id="analytics-quality" className="text-lg font-semibold">
        Answer quality
      </h2>
      {quality.isPending && <LoadingBlock label="Loading the quality figures…" />}
      {quality.isError && <ErrorNotice error={quality.error} title="Could not load the quality figures" />}
      {quality.data && (
        <div className="grid gap-4 lg:grid-cols-2">
          <ChartCard
            title="Quality scores"
            testId="chart-quality-distribution"
            description="Conversations by score, from 0 (poor) to 100 (excellent)."
          >
            <QualityDistribution buckets={quality.data.distribution} />
          </ChartCard>
          <ChartCard
            title="Quality per day"
            testId="chart-quality-trend"
            description={
              quality.data.ratings.count > 0
                ? `Customers rated ${quality.data.ratings.count} conversations, ${quality.data.ratings.mean?.toFixed(1) ?? '—'} / 5 on average.`
                : 'No customer ratings in this range.'
            }
          >
            <QualityTrend trend={quality.data.trend} />
          </ChartCard>
          <div className="lg:col-span-2">
            <ChartCard
              title="Conversations to review"
              testId="quality-worst"
              description="The lowest scores first: open one in the Inbox to see what went wrong."
            >
              <WorstConversations orgId={org.id} worst={quality.data.worst} />
            </ChartCard>
          </div>
        </div>
      )}
      {atLeast(org.role, 'admin') && <QualitySettingsForm orgId={org.id} />}
    </section>
  )
}
