import { useState } from 'react'
import { useDeleteTemplate, useRefreshTemplate, useTemplates } from '../../../api/templates'
import { atLeast, type Organization, type Template } from '../../../api/types'
import { Button } from '../../../components/Button'
import { ConfirmDeletion } from '../../../components/ConfirmDeletion'
import { Card, EmptyState, ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../../components/Feedback'
import { formatDateTime } from '../../../components/format'
import { TemplateForm } from './TemplateForm'
import { TemplateStatusBadge } from './TemplateStatusBadge'

const CATEGORY_LABELS = { utility: 'Utility', marketing: 'Marketing', authentication: 'Authentication' }

function TemplateRow({
  orgId,
  template,
  canManage,
  onDelete,
}: {
  orgId: string
  template: Template
  canManage: boolean
  onDelete: (t: Template) => void
}) {
  const refresh = useRefreshTemplate(orgId)
  return (
    <li className="space-y-2 py-4" data-testid="template-row" data-name={template.name}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-mono text-sm font-medium text-slate-900">{template.name}</span>
        <span className="text-xs text-slate-600">
          {template.language} · {CATEGORY_LABELS[template.category]}
        </span>
        <TemplateStatusBadge status={template.status} />
        {canManage && (
          <span className="ml-auto flex gap-2">
            {template.status !== 'approved' && template.status !== 'rejected' && (
              <Button
                variant="secondary"
                onClick={() => refresh.mutate(template.id)}
                busy={refresh.isPending}
              >
                Refresh
              </Button>
            )}
            <Button variant="ghost" onClick={() => onDelete(template)}>
              Delete
            </Button>
          </span>
        )}
      </div>
      <p className="whitespace-pre-wrap text-sm text-slate-700">{template.body}</p>
      {template.rejectionReason && (
        <p className="text-sm text-red-700" data-testid="template-rejection">
          WhatsApp's reason: {template.rejectionReason}
        </p>
      )}
      {template.status === 'pending' && (
        <p className="text-xs text-slate-600">
          In WhatsApp's review
          {template.statusCheckedAt ? `; last checked ${formatDateTime(template.statusCheckedAt)}` : ''}. The
          status updates by itself.
        </p>
      )}
      {refresh.isError && <ErrorNotice error={refresh.error} title="Could not ask Twilio" />}
    </li>
  )
}

/**
 * WhatsApp templates: the messages a business may send first, or to a customer whose last message
 * is more than 24 hours old, once WhatsApp approves them. Owners and admins write them; everyone
 * sees them and their review status.
 */
export function TemplatesTab({ org }: { org: Organization }) {
  const canManage = atLeast(org.role, 'admin')
  const templates = useTemplates(org.id, { poll: true })
  const remove = useDeleteTemplate(org.id)
  const [writing, setWriting] = useState(false)
  const [deleting, setDeleting] = useState<Template | null>(null)

  if (writing)
    return (
      <TemplateForm orgId={org.id} onCreated={() => setWriting(false)} onCancel={() => setWriting(false)} />
    )

  return (
    <div className="space-y-4">
      {!canManage && (
        <ReadOnlyNote>
          Owners and admins write templates; agents send the approved ones in conversations.
        </ReadOnlyNote>
      )}
      <Card
        title="Templates"
        actions={canManage && <Button onClick={() => setWriting(true)}>New template</Button>}
      >
        {templates.isPending ? (
          <LoadingBlock label="Loading the templates…" />
        ) : templates.isError ? (
          <ErrorNotice error={templates.error} title="Could not load the templates" />
        ) : templates.data.length === 0 ? (
          <EmptyState title="No templates yet">
            A template is a message WhatsApp approves in advance, with blanks like {'{{1}}'} for a name or an
            order number. It is how you write to a customer first, or after 24 hours of silence.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100" aria-label="Templates">
            {templates.data.map((t) => (
              <TemplateRow
                key={t.id}
                orgId={org.id}
                template={t}
                canManage={canManage}
                onDelete={setDeleting}
              />
            ))}
          </ul>
        )}
      </Card>
      <ConfirmDeletion
        target={deleting}
        title="Delete this template?"
        confirmLabel="Delete template"
        deletion={remove}
        onClose={() => setDeleting(null)}
      >
        <p className="text-sm text-slate-700">
          <span className="font-mono">{deleting?.name}</span> is removed here and from Twilio. Messages
          already queued with it will not be sent. To use it again it must be written and approved anew.
        </p>
      </ConfirmDeletion>
    </div>
  )
}
