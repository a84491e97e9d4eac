import type { DateRange } from '../../../api/analytics'
import { useCreateFaqDraft, useUnanswered } from '../../../api/quality'
import { atLeast, type Organization } from '../../../api/types'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { useToast } from '../../../components/Toast'
import { UnansweredGroupItem } from './UnansweredGroupItem'

/**
 * Questions the assistant could not answer (or barely, or that ended with a person), grouped by
 * similarity. A group becomes a FAQ draft in AI Training; retraining teaches it to the assistant.
 */
export function UnansweredSection({ org, range }: { org: Organization; range: DateRange }) {
  const unanswered = useUnanswered(org.id, range)
  const draft = useCreateFaqDraft(org.id)
  const toast = useToast()
  const canDraft = atLeast(org.role, 'admin')
  const create = (groupId: string) =>
    draft.mutate(
      { groupId, range },
      {
        onSuccess: () =>
          toast(
            <>
              FAQ draft created. {/* A plain link: the toasts live outside the router. */}
              <a
                href={`/Dashboard/organizations/${org.id}?tab=training`}
                className="font-medium text-emerald-300 underline"
              >
                Review it in AI Training
              </a>{' '}
              and retrain.
            </>,
          ),
      },
    )
  return (
    <section aria-labelledby="analytics-unanswered" data-testid="unanswered">
      <Card title={<span id="analytics-unanswered">Unanswered questions</span>}>
        <p className="mb-3 text-sm text-slate-600">
          What customers asked that the assistant could not answer well, similar questions together. Turn a
          group into a FAQ, check the answer in AI Training, and retrain.
        </p>
        {unanswered.isPending && <LoadingBlock label="Loading unanswered questions…" />}
        {unanswered.isError && <ErrorNotice error={unanswered.error} title="Could not load the questions" />}
        {unanswered.data?.length === 0 && <EmptyState title="No unanswered questions in this range" />}
        {unanswered.data && unanswered.data.length > 0 && (
          <ul className="divide-y divide-slate-200" aria-label="Groups of unanswered questions">
            {unanswered.data.map((g) => (
              <UnansweredGroupItem
                key={g.id}
                group={g}
                canDraft={canDraft}
                onDraft={() => create(g.id)}
                drafting={draft.isPending && draft.variables?.groupId === g.id}
                error={draft.variables?.groupId === g.id ? draft.error : null}
              />
            ))}
          </ul>
        )}
      </Card>
    </section>
  )
}
