import type { ReactNode } from 'react'
import { focusRing } from '../../../components/Button'
import { Card } from '../../../components/Feedback'

/** A chart's card: its title, what it shows, and a link to download its figures as CSV. */
export function ChartCard({
  title,
  description,
  csvUrl,
  testId,
  children,
}: {
  title: string
  description?: ReactNode
  csvUrl?: string
  testId: string
  children: ReactNode
}) {
  return (
    <div data-testid={testId}>
      <Card
        title={title}
        actions={
          csvUrl && (
            <a
              href={csvUrl}
              download
              className={`text-sm font-medium text-emerald-700 underline ${focusRing}`}
              aria-label={`Download CSV: ${title}`}
              data-testid="csv-link"
            >
              Download CSV
            </a>
          )
        }
      >
        {description && <p className="mb-3 text-sm text-slate-600">{description}</p>}
        {children}
      </Card>
    </div>
  )
}
