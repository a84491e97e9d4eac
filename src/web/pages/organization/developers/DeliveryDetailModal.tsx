import { type DeliveryAttempt, useDelivery, useReplayDelivery } from '../../../api/developers'
import { Button } from '../../../components/Button'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { formatDateTime, formatDuration } from '../../../components/format'
import { Modal } from '../../../components/Modal'
import { PlanErrorNotice } from '../../../components/PlanRequired'
import { useToast } from '../../../components/Toast'
import { DeliveryStatusBadge } from './DeveloperBadges'

const pre = 'whitespace-pre-wrap break-all rounded-md bg-slate-100 p-2 font-mono text-xs text-slate-800'

function Attempt({ attempt }: { attempt: DeliveryAttempt }) {
  const ok = attempt.statusCode !== null && attempt.statusCode >= 200 && attempt.statusCode < 300
  return (
    <li className="space-y-2 py-3" data-testid="delivery-attempt">
      <h4 className="text-sm font-semibold text-slate-900">
        Attempt {attempt.attempt} · {formatDateTime(attempt.createdAt)}
      </h4>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-slate-600">URL</dt>
        <dd className="break-all font-mono text-xs">{attempt.url}</dd>
        <dt className="text-slate-600">Response</dt>
        <dd className={ok ? 'text-emerald-800' : 'text-red-700'} data-testid="attempt-status">
          {attempt.statusCode ?? 'No response'}
        </dd>
        <dt className="text-slate-600">Duration</dt>
        <dd>{formatDuration(attempt.durationMs)}</dd>
        {attempt.error && (
          <>
            <dt className="text-slate-600">Error</dt>
            <dd className="text-red-700">{attempt.error}</dd>
          </>
        )}
      </dl>
      <details>
        <summary className="cursor-pointer text-sm font-medium text-slate-700">Request headers</summary>
        <pre className={`mt-1 ${pre}`}>
          {Object.entries(attempt.requestHeaders)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n')}
        </pre>
      </details>
      <details open={!ok}>
        <summary className="cursor-pointer text-sm font-medium text-slate-700">Response body</summary>
        <pre className={`mt-1 ${pre}`}>{attempt.responseBody || '(empty)'}</pre>
      </details>
    </li>
  )
}

/** One delivery: what was sent (the payload), each attempt's request and answer, and a replay. */
export function DeliveryDetailModal({
  orgId,
  webhookId,
  deliveryId,
  onClose,
}: {
  orgId: string
  webhookId: string
  deliveryId: string | null
  onClose: () => void
}) {
  const delivery = useDelivery(orgId, webhookId, deliveryId)
  const replay = useReplayDelivery(orgId, webhookId)
  const toast = useToast()
  const d = delivery.data

  return (
    <Modal
      open={deliveryId !== null}
      title="Delivery"
      onClose={() => {
        replay.reset()
        onClose()
      }}
    >
      {delivery.isPending ? (
        <LoadingBlock label="Loading the delivery…" />
      ) : delivery.isError ? (
        <ErrorNotice error={delivery.error} title="Could not load the delivery" />
      ) : d ? (
        <div className="space-y-4" data-testid="delivery-detail" data-status={d.status}>
          <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
            <dt className="text-slate-600">Event</dt>
            <dd>
              <code>{d.eventType}</code>
            </dd>
            <dt className="text-slate-600">Status</dt>
            <dd>
              <DeliveryStatusBadge status={d.status} />
            </dd>
            <dt className="text-slate-600">webhook-id</dt>
            <dd className="break-all font-mono text-xs">{d.id}</dd>
            <dt className="text-slate-600">Created</dt>
            <dd>{formatDateTime(d.createdAt)}</dd>
            {d.deliveredAt && (
              <>
                <dt className="text-slate-600">Delivered</dt>
                <dd>{formatDateTime(d.deliveredAt)}</dd>
              </>
            )}
            {d.status === 'pending' && d.nextAttemptAt && (
              <>
                <dt className="text-slate-600">Next attempt</dt>
                <dd>{formatDateTime(d.nextAttemptAt)}</dd>
              </>
            )}
          </dl>
          <div className="flex flex-wrap items-center gap-2">
            <Button
              variant="secondary"
              busy={replay.isPending}
              disabled={d.status === 'pending'}
              onClick={() =>
                replay.mutate(d.id, {
                  onSuccess: () => toast('Delivery queued again, with the same webhook-id.'),
                })
              }
            >
              Replay
            </Button>
            <span className="text-xs text-slate-600">
              {d.status === 'pending'
                ? 'On its way: replay is possible once it is delivered or has failed.'
                : 'Sends the same payload again now; your server can recognise it by its webhook-id.'}
            </span>
          </div>
          {replay.isError && <PlanErrorNotice error={replay.error} title="Not replayed" />}
          <section aria-labelledby="delivery-payload-heading" className="space-y-1">
            <h3 id="delivery-payload-heading" className="text-sm font-semibold text-slate-900">
              Payload
            </h3>
            <pre className={pre} data-testid="delivery-payload">
              {JSON.stringify(d.payload, null, 2)}
            </pre>
          </section>
          <section aria-labelledby="delivery-attempts-heading">
            <h3 id="delivery-attempts-heading" className="text-sm font-semibold text-slate-900">
              Attempts
            </h3>
            {d.log.length === 0 ? (
              <p className="text-sm text-slate-600">Not attempted yet.</p>
            ) : (
              <ol className="divide-y divide-slate-100">
                {d.log.map((a) => (
                  <Attempt key={a.attempt} attempt={a} />
                ))}
              </ol>
            )}
          </section>
        </div>
      ) : null}
    </Modal>
  )
}
