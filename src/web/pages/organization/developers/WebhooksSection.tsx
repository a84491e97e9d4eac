import { useState } from 'react'
import { planFor } from '../../../../shared/plans'
import {
  useDeleteWebhook,
  useRevealWebhookSecret,
  useSendTestEvent,
  useUpdateWebhook,
  useWebhooks,
  type Webhook,
} from '../../../api/developers'
import { Button } from '../../../components/Button'
import { ConfirmDeletion } from '../../../components/ConfirmDeletion'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { formatCount, formatDateTime } from '../../../components/format'
import { PlanErrorNotice, PlanRequired } from '../../../components/PlanRequired'
import { useToast } from '../../../components/Toast'
import { DeliveryLog } from './DeliveryLog'
import { WebhookStateBadge } from './DeveloperBadges'
import { SecretBox } from './SecretBox'
import { AddWebhookModal, EditWebhookModal } from './WebhookModals'

function WebhookItem({
  orgId,
  webhook,
  onEdit,
  onDelete,
}: {
  orgId: string
  webhook: Webhook
  onEdit: (w: Webhook) => void
  onDelete: (w: Webhook) => void
}) {
  const toast = useToast()
  const update = useUpdateWebhook(orgId, webhook.id)
  const test = useSendTestEvent(orgId, webhook.id)
  const reveal = useRevealWebhookSecret(orgId, webhook.id)
  const [logOpen, setLogOpen] = useState(false)
  const logId = `webhook-log-${webhook.id}`
  const name = webhook.description || webhook.url

  const sendTest = () =>
    test.mutate(undefined, {
      onSuccess: () => {
        toast('Test event queued: see it in the delivery log.')
        setLogOpen(true)
      },
    })
  const setEnabled = (enabled: boolean) =>
    update.mutate(
      { enabled },
      { onSuccess: () => toast(enabled ? 'Endpoint enabled.' : 'Endpoint disabled: no events go to it.') },
    )

  return (
    <li className="space-y-3 py-4" data-testid="webhook-row" data-url={webhook.url}>
      <div className="flex flex-wrap items-start gap-2">
        <div className="min-w-0 flex-1 space-y-1">
          <p className="break-all font-mono text-sm font-medium text-slate-900">{webhook.url}</p>
          {webhook.description && <p className="text-sm text-slate-700">{webhook.description}</p>}
        </div>
        <WebhookStateBadge webhook={webhook} />
      </div>
      <ul className="flex flex-wrap gap-1" aria-label={`Events sent to ${name}`}>
        {webhook.events.map((e) => (
          <li key={e}>
            <code className="rounded bg-slate-100 px-1 text-xs text-slate-800">{e}</code>
          </li>
        ))}
      </ul>
      <p className="text-sm text-slate-600" data-testid="webhook-counts">
        {formatCount(webhook.pendingCount)} pending · {formatCount(webhook.failedCount)} failed
        {webhook.failingSince && (
          <span className="text-red-700"> · failing since {formatDateTime(webhook.failingSince)}</span>
        )}
      </p>
      {!webhook.enabled && webhook.disabledReason && (
        <p className="text-sm text-amber-800" data-testid="webhook-disabled-reason">
          Disabled: {webhook.disabledReason}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" onClick={sendTest} busy={test.isPending} disabled={!webhook.enabled}>
          Send test event
        </Button>
        <Button
          variant="secondary"
          aria-expanded={logOpen}
          aria-controls={logId}
          onClick={() => setLogOpen((o) => !o)}
        >
          {logOpen ? 'Hide delivery log' : 'Delivery log'}
        </Button>
        <Button variant="secondary" onClick={() => setEnabled(!webhook.enabled)} busy={update.isPending}>
          {webhook.enabled ? 'Disable' : 'Enable'}
        </Button>
        <Button variant="secondary" onClick={() => onEdit(webhook)}>
          Edit
        </Button>
        {reveal.data ? (
          <Button variant="secondary" onClick={() => reveal.reset()}>
            Hide secret
          </Button>
        ) : (
          <Button variant="secondary" onClick={() => reveal.mutate()} busy={reveal.isPending}>
            Reveal secret
          </Button>
        )}
        <Button variant="ghost" onClick={() => onDelete(webhook)}>
          Delete<span className="sr-only"> endpoint {name}</span>
        </Button>
      </div>
      {reveal.data && (
        <SecretBox id={`webhook-secret-${webhook.id}`} label="Signing secret" secret={reveal.data} />
      )}
      {reveal.isError && <ErrorNotice error={reveal.error} title="Could not reveal the secret" />}
      {test.isError && <PlanErrorNotice error={test.error} title="Test event not sent" />}
      {update.isError && <ErrorNotice error={update.error} title="Not changed" />}
      <div id={logId} hidden={!logOpen}>
        {logOpen && <DeliveryLog orgId={orgId} webhookId={webhook.id} />}
      </div>
    </li>
  )
}

/** The organization's webhook endpoints: where events go, whether they arrive, and their delivery logs. */
export function WebhooksSection({ orgId, allowed }: { orgId: string; allowed: boolean }) {
  const webhooks = useWebhooks(orgId)
  const remove = useDeleteWebhook(orgId)
  const [adding, setAdding] = useState(false)
  const [editing, setEditing] = useState<Webhook | null>(null)
  const [deleting, setDeleting] = useState<Webhook | null>(null)

  return (
    <Card
      title="Webhooks"
      actions={allowed ? <Button onClick={() => setAdding(true)}>Add endpoint</Button> : undefined}
    >
      <p className="mb-3 text-sm text-slate-600">
        The platform tells your server when something happens — a customer writes, a message is delivered, a
        conversation is handed off — with a signed <code>POST</code> to your endpoint. Failed deliveries are
        retried for about a day.
      </p>
      {!allowed && (
        <div className="mb-3">
          <PlanRequired feature="webhooks" plan={planFor('webhooks')}>
            Endpoints added before stay listed, but no events are sent to them until the plan includes
            webhooks again.
          </PlanRequired>
        </div>
      )}
      {webhooks.isPending ? (
        <LoadingBlock label="Loading the webhooks…" />
      ) : webhooks.isError ? (
        <ErrorNotice error={webhooks.error} title="Could not load the webhooks" />
      ) : webhooks.data.length === 0 ? (
        <EmptyState title="No webhook endpoints yet">
          Add your server's URL and choose the events it should receive.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100" aria-label="Webhook endpoints">
          {webhooks.data.map((w) => (
            <WebhookItem key={w.id} orgId={orgId} webhook={w} onEdit={setEditing} onDelete={setDeleting} />
          ))}
        </ul>
      )}
      <AddWebhookModal orgId={orgId} open={adding} onClose={() => setAdding(false)} />
      <EditWebhookModal orgId={orgId} webhook={editing} onClose={() => setEditing(null)} />
      <ConfirmDeletion
        target={deleting}
        title="Delete this endpoint?"
        confirmLabel="Delete endpoint"
        deletion={remove}
        deleted="Endpoint deleted."
        onClose={() => setDeleting(null)}
      >
        <p className="text-sm text-slate-700">
          No more events go to <span className="break-all font-mono">{deleting?.url}</span>. Its deliveries
          still waiting are dropped and its delivery log is deleted.
        </p>
      </ConfirmDeletion>
    </Card>
  )
}
