import type { BroadcastPreview } from '../../../api/types'
import { ErrorNotice, Skeleton } from '../../../components/Feedback'
import { formatCount, formatPhone } from '../../../components/format'

const SKIPS: { key: keyof BroadcastPreview['skipped']; label: string }[] = [
  { key: 'opted_out', label: 'Opted out' },
  { key: 'no_consent', label: 'No consent (never opted in)' },
  { key: 'duplicate_number', label: 'Duplicate numbers' },
  { key: 'missing_variables', label: 'Missing a variable' },
]

function Figure({
  label,
  value,
  testId,
  highlight = false,
}: {
  label: string
  value: number
  testId: string
  highlight?: boolean
}) {
  return (
    <div className={`rounded-md p-2 ${highlight ? 'bg-emerald-50' : 'bg-slate-50'}`}>
      <dt className="text-xs text-slate-600">{label}</dt>
      <dd className="text-xl font-semibold" data-testid={testId}>
        {formatCount(value)}
      </dd>
    </div>
  )
}

/**
 * What the broadcast would do now: how many contacts the audience holds, how many are messaged,
 * who is skipped and why, the messages left this month, and the message a few of them would get.
 */
export function PreviewPanel({
  preview,
  waitingFor,
  loading,
  error,
}: {
  preview: BroadcastPreview | undefined
  /** Why nothing can be previewed yet ("choose a template"), when that is so. */
  waitingFor: string | null
  loading: boolean
  error: unknown
}) {
  if (waitingFor) {
    return (
      <p className="text-sm text-slate-600" data-testid="preview-waiting">
        {waitingFor}
      </p>
    )
  }
  if (error) return <ErrorNotice error={error} title="Could not preview this broadcast" showFields />
  if (!preview) {
    return (
      <div role="status" className="space-y-2">
        <span className="sr-only">Counting the audience…</span>
        <Skeleton className="h-6 w-1/2" />
        <Skeleton className="h-16 w-full" />
      </div>
    )
  }
  const skipped = SKIPS.filter((s) => preview.skipped[s.key] > 0)
  const over = preview.sendable > preview.remaining
  return (
    <div className="space-y-4" data-testid="broadcast-preview" aria-busy={loading || undefined}>
      {/* Announced as it changes: the counts follow every change of the form. */}
      <dl className="grid grid-cols-3 gap-2 text-center" aria-live="polite">
        <Figure label="Audience" value={preview.total} testId="preview-total" />
        <Figure label="Will be messaged" value={preview.sendable} testId="preview-sendable" highlight />
        <Figure label="Left this month" value={preview.remaining} testId="preview-remaining" />
      </dl>
      {skipped.length > 0 && (
        <div>
          <p className="text-sm font-medium text-slate-700">Skipped</p>
          <ul className="text-sm text-slate-700" data-testid="preview-skipped">
            {skipped.map((s) => (
              <li key={s.key} className="flex justify-between gap-2" data-reason={s.key}>
                <span>{s.label}</span>
                <span className="font-medium">{formatCount(preview.skipped[s.key])}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {over && (
        <p
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-800"
          data-testid="preview-over-limit"
        >
          {`${formatCount(preview.sendable)} messages are more than the ${formatCount(preview.remaining)} left this month: you can send up to the limit, or narrow the audience.`}
        </p>
      )}
      <div>
        <p className="text-sm font-medium text-slate-700">What they will read</p>
        {preview.samples.length === 0 ? (
          <p className="text-sm text-slate-600">Nobody in this audience can be messaged.</p>
        ) : (
          <ul className="mt-2 space-y-2 rounded-lg bg-[#efeae2] p-3" aria-label="Message previews">
            {preview.samples.map((s) => (
              <li key={s.contactId} data-testid="preview-sample">
                <p className="text-xs text-slate-700">
                  {s.displayName !== s.phone ? `${s.displayName} · ` : ''}
                  <span className="font-mono">{formatPhone(s.phone, 'international')}</span>
                </p>
                <p className="mt-0.5 max-w-[85%] whitespace-pre-wrap rounded-lg bg-white px-3 py-2 text-sm shadow">
                  {s.text}
                </p>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  )
}
