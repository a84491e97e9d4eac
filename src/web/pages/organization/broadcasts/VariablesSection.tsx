import type { VariableSource } from '../../../api/types'
import { SelectField, TextField } from '../../../components/Field'

type From = VariableSource['from']

const FROM_LABELS: Record<From, string> = {
  name: "The contact's name",
  phone: "The contact's phone number",
  attribute: 'A contact attribute',
  text: 'The same text for everyone',
}
const FROMS = Object.keys(FROM_LABELS) as From[]

/** A fresh source when the user switches what fills a variable (what was typed for another kind is dropped). */
function sourceOf(from: From): VariableSource {
  if (from === 'attribute') return { from: 'attribute', key: '', fallback: '' }
  if (from === 'text') return { from: 'text', value: '' }
  return { from }
}

/** A variable is ready to preview once what it needs is typed (an attribute's name, the fixed text). */
export const sourceComplete = (s: VariableSource | undefined) =>
  s !== undefined &&
  (s.from === 'attribute' ? s.key.trim() !== '' : s.from === 'text' ? s.value.trim() !== '' : true)

/** The template's text with each {{n}} marked, so the user sees which part each source fills. */
export function TemplateBody({ body }: { body: string }) {
  const parts = body.split(/(\{\{\s*\d+\s*\}\})/)
  return (
    <p className="whitespace-pre-wrap rounded-md bg-slate-50 p-3 text-sm" data-testid="template-body">
      {parts.map((part, i) =>
        /^\{\{\s*\d+\s*\}\}$/.test(part) ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the split of one fixed text
          <mark key={i} className="rounded bg-amber-100 px-0.5 text-amber-900">
            {part}
          </mark>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: the split of one fixed text
          <span key={i}>{part}</span>
        ),
      )}
    </p>
  )
}

/** One row per template variable: where its value comes from, per contact or fixed. */
export function VariablesSection({
  variables,
  sources,
  onChange,
  error,
}: {
  variables: string[]
  sources: Record<string, VariableSource>
  onChange: (n: string, source: VariableSource) => void
  error: (path: string) => string | undefined
}) {
  if (variables.length === 0) {
    return (
      <p className="text-sm text-slate-600">This template has no variables: everyone gets the same text.</p>
    )
  }
  return (
    <div className="space-y-3">
      {variables.map((n) => {
        const source = sources[n] ?? { from: 'name' }
        return (
          <fieldset key={n} className="rounded-md border border-slate-200 p-3" data-variable={n}>
            <legend className="px-1 text-sm font-medium">{`Variable {{${n}}}`}</legend>
            <div className="grid gap-3 sm:grid-cols-2">
              <div className="sm:col-span-2">
                <SelectField
                  id={`bc-var-${n}-from`}
                  label="Filled with"
                  value={source.from}
                  onChange={(e) => onChange(n, sourceOf(e.target.value as From))}
                  error={error(`variables.${n}.from`)}
                >
                  {FROMS.map((f) => (
                    <option key={f} value={f}>
                      {FROM_LABELS[f]}
                    </option>
                  ))}
                </SelectField>
              </div>
              {source.from === 'attribute' && (
                <>
                  <TextField
                    id={`bc-var-${n}-key`}
                    label="Attribute"
                    placeholder="city"
                    value={source.key}
                    onChange={(e) => onChange(n, { ...source, key: e.target.value })}
                    error={error(`variables.${n}.key`)}
                    hint="A column of your contacts import"
                  />
                  <TextField
                    id={`bc-var-${n}-fallback`}
                    label="When a contact has none"
                    placeholder="(skip the contact)"
                    value={source.fallback ?? ''}
                    onChange={(e) => onChange(n, { ...source, fallback: e.target.value })}
                    error={error(`variables.${n}.fallback`)}
                    hint="Left empty: contacts without it are skipped"
                  />
                </>
              )}
              {source.from === 'text' && (
                <div className="sm:col-span-2">
                  <TextField
                    id={`bc-var-${n}-text`}
                    label="Text"
                    value={source.value}
                    onChange={(e) => onChange(n, { ...source, value: e.target.value })}
                    error={error(`variables.${n}.value`)}
                  />
                </div>
              )}
            </div>
          </fieldset>
        )
      })}
    </div>
  )
}
