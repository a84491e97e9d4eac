import { renderTemplate } from '../../../../shared/template-text'

/**
 * The message as the customer's WhatsApp shows it: the body with the values in, and a variable
 * still without one shown as its placeholder, marked.
 */
export function TemplatePreview({
  body,
  values,
  label = 'Preview',
}: {
  body: string
  values: Record<string, string>
  label?: string
}) {
  const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''))
  const parts = renderTemplate(body, filled).split(/(\{\{\s*\d+\s*\}\})/g)
  return (
    <figure className="space-y-1">
      <figcaption className="text-xs font-medium text-slate-600">{label}</figcaption>
      <div className="rounded-lg bg-[#efeae2] p-3">
        <p
          className="max-w-[85%] whitespace-pre-wrap rounded-lg bg-white px-3 py-2 text-sm shadow"
          data-testid="template-preview"
        >
          {body.trim() === '' ? (
            <span className="text-slate-400">The message appears here as you write it.</span>
          ) : (
            parts.map((part, i) =>
              /^\{\{\s*\d+\s*\}\}$/.test(part) ? (
                // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one string, in order
                <mark key={i} className="rounded bg-amber-100 px-0.5 text-amber-900">
                  {part}
                </mark>
              ) : (
                part
              ),
            )
          )}
        </p>
      </div>
    </figure>
  )
}
