import { useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import type { DateRange } from '../../../api/analytics'
import { useStats } from '../../../api/conversations'
import type { Organization } from '../../../api/types'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { DateRangePicker } from './DateRangePicker'
import { ExperimentsSection } from './ExperimentsSection'
import { MonthFigures } from './MonthFigures'
import { QualitySection } from './QualitySection'
import { RangeAnalytics } from './RangeAnalytics'
import { RecentConversations } from './RecentConversations'
import { lastDays } from './range'
import { Transcript } from './Transcript'
import { UnansweredSection } from './UnansweredSection'

/**
 * Analytics: this month at a glance, then everything for a chosen range of days (charts, answer
 * quality, unanswered questions), the A/B tests, and the latest conversations.
 */
export function AnalyticsTab({ org }: { org: Organization }) {
  const timeZone = org.businessHours.timezone
  const stats = useStats(org.id)
  const [range, setRange] = useState<DateRange>(() => lastDays(30, timeZone))
  const [params, setParams] = useSearchParams()
  const open = params.get('conversation')
  const setOpen = (id: string | null) => {
    const p = new URLSearchParams(params)
    if (id) p.set('conversation', id)
    else p.delete('conversation')
    setParams(p)
  }
  if (open) return <Transcript org={org} cid={open} onClose={() => setOpen(null)} />
  return (
    <div className="space-y-6">
      <section className="space-y-4" aria-label="This month">
        {stats.isPending && <LoadingBlock label="Loading analytics…" lines={4} />}
        {stats.isError && <ErrorNotice error={stats.error} title="Could not load the figures" />}
        {stats.data && <MonthFigures org={org} stats={stats.data} />}
      </section>
      <section className="space-y-4" aria-labelledby="analytics-range">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="analytics-range" className="text-lg font-semibold">
            Your assistant over time
          </h2>
          <DateRangePicker value={range} timeZone={timeZone} onChange={setRange} />
        </div>
        <RangeAnalytics org={org} range={range} />
      </section>
      <QualitySection org={org} range={range} />
      <UnansweredSection org={org} range={range} />
      <ExperimentsSection org={org} />
      <RecentConversations org={org} stats={stats.data} onOpen={setOpen} />
    </div>
  )
}
