import type { UnansweredGroup } from '../../../api/quality'
import { Button, focusRing } from '../../../components/Button'
import { ErrorNotice } from '../../../components/Feedback'
import { formatDateTime } from '../../../components/format'

/**
 * One group of similar questions: its count, the questions themselves on opening, the answer a
 * person gave when one did, and the button that turns it into a FAQ draft.
 */
export function UnansweredGroupItem({
  group,
  canDraft,
  onDraft,
  drafting,
  error,
}: {
  group: UnansweredGroup
  canDraft: boolean
  onDraft: () => void
  drafting: boolean
  error: unknown
}) {
  return (
    <li className="py-3" data-testid="unanswered-group">
      <div className="flex flex-wrap items-start justify-between gap-3">
        <details className="min-w-0 flex-1">
          <summary className={`cursor-pointer text-sm font-medium ${focusRing}`}>
            {group.label}{' '}
            <span
              className="ml-1 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700"
              data-testid="unanswered-count"
            >
              {group.count} {group.count === 1 ? 'time' : 'times'}
            </span>
          </summary>
          <ul className="mt-2 space-y-1 pl-4 text-sm text-slate-700">
            {group.questions.map((q) => (
              <li key={q.messageId} className="list-disc">
                “{q.text}” <span className="text-xs text-slate-500">{formatDateTime(q.at)}</span>
              </li>
            ))}
          </ul>
          <div className="mt-2 rounded-md bg-slate-50 p-2 text-sm">
            <p className="text-xs font-medium uppercase tracking-wide text-slate-600">An agent answered</p>
            <p className="whitespace-pre-wrap" data-testid="agent-answer">
              {group.agentAnswer ??
                'No person answered it yet: the draft will have an empty answer to fill in.'}
            </p>
          </div>
        </details>
        {canDraft && (
          <Button variant="secondary" onClick={onDraft} busy={drafting}>
            Create FAQ draft
          </Button>
        )}
      </div>
      {error ? <ErrorNotice error={error} title="The FAQ draft was not created" /> : null}
    </li>
  )
}
