import type { Organization, Stats } from '../../../api/types'
import { Card, EmptyState } from '../../../components/Feedback'
import { formatCount, formatDuration, formatOrgDate } from '../../../components/format'
import { MessagesChart } from '../../../components/MessagesChart'
import { Stat } from './Stat'

/** This month at a glance: messages, conversations, customers, reply time, and the plan's usage. */
export function MonthFigures({ org, stats: s }: { org: Organization; stats: Stats }) {
  return (
    <>
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat
          label="All messages this month"
          value={s.month.inbound + s.month.outbound}
          testId="stat-messages"
        />
        <Stat label="Conversations" value={s.conversations.total} testId="stat-conversations" />
        <Stat label="Unique customers" value={s.uniqueCustomers} testId="stat-customers" />
        <Stat
          label="Average reply time"
          value={formatDuration(s.averageReplyLatencyMs)}
          testId="stat-latency"
        />
      </dl>
      <Card title="Messages per day">
        {s.perDay.length === 0 ? <EmptyState title="No messages yet" /> : <MessagesChart data={s.perDay} />}
        <p className="mt-2 text-xs text-slate-500">
          All messages this month: {formatCount(s.month.inbound)} received, {formatCount(s.month.outbound)}{' '}
          sent ·{' '}
          <span data-testid="stats-usage">
            Answers counted this month: {formatCount(s.usage.used)} / {formatCount(s.usage.limit)}
          </span>
          {s.usage.limitReachedAt
            ? ` · limit reached ${formatOrgDate(s.usage.limitReachedAt, org.businessHours.timezone, true)}`
            : ''}
        </p>
      </Card>
    </>
  )
}
