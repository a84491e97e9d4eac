import { useState } from 'react'
import { templateVariables } from '../../../../shared/template-text'
import { missingVariablesOf, useSendTemplate, useTemplates } from '../../../api/templates'
import { Button } from '../../../components/Button'
import { ErrorNotice } from '../../../components/Feedback'
import { SelectField, TextField } from '../../../components/Field'
import { TemplatePreview } from './TemplatePreview'

/**
 * What an agent sends once WhatsApp's 24-hour window is closed: an approved template, with a
 * value for each of its variables, previewed as the customer will read it.
 */
export function TemplateComposer({
  orgId,
  conversationId,
  onSent,
}: {
  orgId: string
  conversationId: string
  onSent?: () => void
}) {
  const templates = useTemplates(orgId)
  const send = useSendTemplate(orgId, conversationId)
  const [templateId, setTemplateId] = useState('')
  const [values, setValues] = useState<Record<string, string>>({})
  const approved = (templates.data ?? []).filter((t) => t.status === 'approved')
  const template = approved.find((t) => t.id === templateId)
  const variables = template ? templateVariables(template.body) : []
  const missing = missingVariablesOf(send.error)
  const complete = variables.every((n) => values[n]?.trim())

  if (templates.isError) return <ErrorNotice error={templates.error} title="Could not load the templates" />
  if (templates.isSuccess && approved.length === 0) {
    return (
      <p className="text-sm text-slate-700" data-testid="no-approved-templates">
        No approved template yet: an owner or admin writes one in the Templates tab, and WhatsApp reviews it.
      </p>
    )
  }
  return (
    <form
      noValidate
      aria-label="Send a template"
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault()
        if (!template) return
        const variablesToSend = Object.fromEntries(variables.map((n) => [n, values[n] ?? '']))
        send.mutate(
          { templateId: template.id, variables: variablesToSend },
          {
            onSuccess: () => {
              setValues({})
              onSent?.()
            },
          },
        )
      }}
    >
      <SelectField
        id="template-pick"
        label="Template"
        value={templateId}
        onChange={(e) => {
          setTemplateId(e.target.value)
          setValues({})
          send.reset()
        }}
      >
        <option value="">Choose an approved template…</option>
        {approved.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.language})
          </option>
        ))}
      </SelectField>
      {template && (
        <>
          {variables.map((n) => (
            <TextField
              key={n}
              id={`template-value-${n}`}
              label={`Value for {{${n}}}`}
              placeholder={template.examples[n] ? `e.g. ${template.examples[n]}` : undefined}
              value={values[n] ?? ''}
              onChange={(e) => setValues((v) => ({ ...v, [n]: e.target.value }))}
              error={missing.includes(n) ? 'A value is needed' : undefined}
            />
          ))}
          <TemplatePreview body={template.body} values={values} label="The customer reads" />
        </>
      )}
      {send.isError && <ErrorNotice error={send.error} title="Template not sent" />}
      <Button type="submit" busy={send.isPending} disabled={!template || !complete}>
        Send template
      </Button>
    </form>
  )
}
