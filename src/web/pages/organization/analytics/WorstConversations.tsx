import { Link } from 'react-router-dom'
import type { QualityReport } from '../../../api/quality'
import { focusRing } from '../../../components/Button'
import { EmptyState } from '../../../components/Feedback'
import { formatScore } from './figures'

type Worst = QualityReport['worst'][number]

const SIGNALS: { key: keyof Worst['reasons']; label: string }[] = [
  { key: 'dontKnow', label: 'said it did not know' },
  { key: 'lowConfidence', label: 'unsure answer' },
  { key: 'escalated', label: 'handed to a person' },
  { key: 'askedPerson', label: 'customer asked for a person' },
  { key: 'repeated', label: 'customer repeated the question' },
  { key: 'lowGrade', label: 'poorly graded' },
]

/** "2 × said it did not know, 1 × handed to a person": what pulled the score down. */
const signalsOf = (r: Worst['reasons']) =>
  SIGNALS.filter((s) => r[s.key] > 0)
    .map((s) => `${r[s.key]} × ${s.label}`)
    .join(', ')

/** The lowest-scored conversations, each opening in the Inbox to be read and followed up. */
export function WorstConversations({ orgId, worst }: { orgId: string; worst: QualityReport['worst'] }) {
  if (worst.length === 0) return <EmptyState title="Nothing to review in this range" />
  return (
    <ol
      className="divide-y divide-slate-200"
      aria-label="Conversations to review"
      data-testid="worst-conversations"
    >
      {worst.map((c) => (
        <li key={c.conversationId} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
          <span className="min-w-0">
            <Link
              to={`/Dashboard/organizations/${orgId}?tab=inbox&conversation=${c.conversationId}`}
              className={`font-medium text-emerald-700 underline ${focusRing}`}
            >
              {c.contactLabel}
            </Link>
            <span className="block text-xs text-slate-600">
              {signalsOf(c.reasons) || 'no weak signal recorded'}
            </span>
          </span>
          <span className="flex items-center gap-3 text-slate-600">
            <span>
              Score <strong className="text-slate-900">{formatScore(c.score)}</strong>
            </span>
            <span>
              {c.answers} {c.answers === 1 ? 'answer' : 'answers'}
            </span>
            {c.rating !== null && <span>Rated {c.rating}/5</span>}
          </span>
        </li>
      ))}
    </ol>
  )
}
