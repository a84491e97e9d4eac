import { TEMPLATE_CATEGORIES } from '../../../../shared/enums'
import { TEMPLATE_LIMITS, templateVariables } from '../../../../shared/template-text'
import { ApiError } from '../../../api/client'
import { useCreateTemplate } from '../../../api/templates'
import type { NewTemplate, Template, TemplateCategory } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card, ErrorNotice } from '../../../components/Feedback'
import { SelectField, TextAreaField, TextField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'
import { TemplatePreview } from './TemplatePreview'

const CATEGORY_HINTS: Record<TemplateCategory, string> = {
  utility: 'About something the customer asked for or bought: an order, a booking, a payment.',
  marketing: 'Offers, news and anything else that promotes the business (priced higher by WhatsApp).',
  authentication: 'One-time codes to sign in or confirm an action.',
}

const LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['en_US', 'English (US)'],
  ['en_GB', 'English (UK)'],
  ['es', 'Spanish'],
  ['pt_BR', 'Portuguese (Brazil)'],
  ['fr', 'French'],
  ['de', 'German'],
  ['it', 'Italian'],
  ['nl', 'Dutch'],
  ['rw', 'Kinyarwanda'],
  ['sw', 'Swahili'],
  ['hi', 'Hindi'],
  ['ar', 'Arabic'],
]

const empty: NewTemplate = { name: '', language: 'en', category: 'utility', body: '', examples: {} }

/** Writing a template: name, language, category, the text with {{n}} variables and an example for each, previewed live. */
export function TemplateForm({
  orgId,
  onCreated,
  onCancel,
}: {
  orgId: string
  onCreated: (t: Template) => void
  onCancel: () => void
}) {
  const create = useCreateTemplate(orgId)
  const form = useServerForm<NewTemplate>(empty, create)
  const { values } = form
  const variables = templateVariables(values.body).filter((n) => n !== '0')
  const examples = values.examples ?? {}
  // Field errors no field on the form shows (an example for a variable since removed from the text).
  const shown = ['name', 'language', 'category', 'body', ...variables.map((n) => `examples.${n}`)]
  const unshown =
    create.error instanceof ApiError ? create.error.fieldErrors.filter((f) => !shown.includes(f.path)) : []

  const addVariable = () => {
    const next = String(Number(variables.at(-1) ?? 0) + 1)
    form.set('body', `${values.body}{{${next}}}`)
  }

  const save = form.submit((v) => {
    // Only the examples of variables the body has are sent (a deleted {{3}} leaves no stale example).
    const kept = Object.fromEntries(variables.map((n) => [n, (v.examples ?? {})[n] ?? '']))
    create.mutate({ ...v, name: v.name.trim(), examples: kept }, { onSuccess: (t) => onCreated(t) })
  })

  return (
    <Card title="New template">
      <form noValidate onSubmit={save} className="grid gap-6 lg:grid-cols-2" aria-label="New template">
        <div className="space-y-4">
          <TextField
            id="template-name"
            label="Name"
            hint="Lowercase letters, digits and underscores, e.g. order_ready. Customers never see it."
            autoComplete="off"
            {...form.bind('name')}
            onChange={(e) => form.set('name', e.target.value.toLowerCase().replace(/[\s-]+/g, '_'))}
          />
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField id="template-language" label="Language" {...form.bind('language')}>
              {LANGUAGES.map(([code, label]) => (
                <option key={code} value={code}>
                  {label}
                </option>
              ))}
            </SelectField>
            <SelectField
              id="template-category"
              label="Category"
              value={values.category}
              onChange={(e) => form.set('category', e.target.value as TemplateCategory)}
              error={form.error('category')}
              hint={CATEGORY_HINTS[values.category]}
            >
              {TEMPLATE_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {c[0]?.toUpperCase()}
                  {c.slice(1)}
                </option>
              ))}
            </SelectField>
          </div>
          <div className="space-y-1">
            <TextAreaField
              id="template-body"
              label="Message"
              rows={5}
              maxLength={TEMPLATE_LIMITS.bodyChars}
              hint={`Write {{1}}, {{2}}… where a value changes per customer (their name, an order number). ${values.body.length}/${TEMPLATE_LIMITS.bodyChars}`}
              {...form.bind('body')}
            />
            <Button variant="secondary" onClick={addVariable}>
              Add variable {`{{${String(Number(variables.at(-1) ?? 0) + 1)}}}`}
            </Button>
          </div>
          {variables.length > 0 && (
            <fieldset className="space-y-3">
              <legend className="text-sm font-medium text-slate-800">Examples for WhatsApp's review</legend>
              {variables.map((n) => (
                <TextField
                  key={n}
                  id={`template-example-${n}`}
                  label={`Example for {{${n}}}`}
                  value={examples[n] ?? ''}
                  onChange={(e) => form.set('examples', { ...examples, [n]: e.target.value })}
                  error={form.error(`examples.${n}`)}
                />
              ))}
            </fieldset>
          )}
          {create.isError && (!form.hasFieldErrors || unshown.length > 0) && (
            <ErrorNotice error={create.error} title="The template was not created" />
          )}
          <div className="flex gap-2">
            <Button type="submit" busy={create.isPending}>
              Submit for approval
            </Button>
            <Button variant="secondary" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        </div>
        <div className="space-y-2">
          <TemplatePreview body={values.body} values={examples} label="Preview with the examples" />
          <p className="text-xs text-slate-600">
            WhatsApp reviews every template before it can be sent, usually within minutes and at most a day or
            two. Once approved, it can start a conversation or answer a customer whose last message is more
            than 24 hours old.
          </p>
        </div>
      </form>
    </Card>
  )
}
