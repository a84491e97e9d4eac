import { lazy, Suspense } from 'react'
import type { Organization } from '../../api/types'
import { LoadingBlock } from '../../components/Feedback'

// The charts bring their library: loaded when the tab is first opened, not with the dashboard.
const Analytics = lazy(async () => ({ default: (await import('./analytics/AnalyticsTab')).AnalyticsTab }))

export function AnalyticsTab({ org }: { org: Organization }) {
  return (
    <Suspense fallback={<LoadingBlock label="Loading analytics…" lines={4} />}>
      <Analytics org={org} />
    </Suspense>
  )
}
