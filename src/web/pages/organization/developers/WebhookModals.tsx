import { useState } from 'react'
import {
  type CreatedWebhook,
  useCreateWebhook,
  useUpdateWebhook,
  type Webhook,
} from '../../../api/developers'
import { Button } from '../../../components/Button'
import { Modal } from '../../../components/Modal'
import { useToast } from '../../../components/Toast'
import { SecretBox } from './SecretBox'
import { WebhookForm } from './WebhookForm'

function AddForm({
  orgId,
  onCreated,
  onCancel,
}: {
  orgId: string
  onCreated: (c: CreatedWebhook) => void
  onCancel: () => void
}) {
  const create = useCreateWebhook(orgId)
  return (
    <WebhookForm
      idPrefix="webhook-new"
      saving={create}
      submitLabel="Add endpoint"
      onSubmit={(input) => create.mutate(input, { onSuccess: onCreated })}
      onCancel={onCancel}
    />
  )
}

/** Adding an endpoint: URL, description, events; then its signing secret, to copy into the receiving server. */
export function AddWebhookModal({
  orgId,
  open,
  onClose,
}: {
  orgId: string
  open: boolean
  onClose: () => void
}) {
  const [created, setCreated] = useState<CreatedWebhook | null>(null)
  const close = () => {
    setCreated(null)
    onClose()
  }
  return (
    <Modal open={open} title={created ? 'Endpoint added' : 'Add a webhook endpoint'} onClose={close}>
      {created ? (
        <div className="space-y-4" data-testid="webhook-created">
          <p className="text-sm text-slate-700">
            Events go to <span className="break-all font-mono">{created.webhook.url}</span>. Each request is
            signed with this secret: your server checks the <code>webhook-signature</code> header with it to
            know the request came from us.
          </p>
          <SecretBox id="webhook-secret-new" label="Signing secret" secret={created.secret} />
          <p className="text-sm text-slate-600">
            You can reveal it again later from the endpoint.{' '}
            <a
              href="/help/developers/webhooks"
              target="_blank"
              rel="noreferrer"
              className="font-medium text-emerald-700 underline"
            >
              How to verify a signature<span className="sr-only"> (opens in a new tab)</span>
            </a>
          </p>
          <div className="flex justify-end">
            <Button onClick={close}>Done</Button>
          </div>
        </div>
      ) : (
        <AddForm orgId={orgId} onCreated={setCreated} onCancel={close} />
      )}
    </Modal>
  )
}

/** Changing an endpoint's URL, description or events. */
export function EditWebhookModal({
  orgId,
  webhook,
  onClose,
}: {
  orgId: string
  webhook: Webhook | null
  onClose: () => void
}) {
  return (
    <Modal open={webhook !== null} title="Edit endpoint" onClose={onClose}>
      {webhook && <EditForm orgId={orgId} webhook={webhook} onClose={onClose} />}
    </Modal>
  )
}

function EditForm({ orgId, webhook, onClose }: { orgId: string; webhook: Webhook; onClose: () => void }) {
  const update = useUpdateWebhook(orgId, webhook.id)
  const toast = useToast()
  return (
    <WebhookForm
      idPrefix="webhook-edit"
      initial={{
        url: webhook.url,
        description: webhook.description,
        events: webhook.events.filter((e) => e !== 'webhook.test'),
      }}
      saving={update}
      submitLabel="Save changes"
      onSubmit={(input) =>
        update.mutate(input, {
          onSuccess: () => {
            toast('Endpoint saved.')
            onClose()
          },
        })
      }
      onCancel={onClose}
    />
  )
}
