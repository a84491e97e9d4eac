import type { ReactNode } from 'react'
import type { ExperimentVariant } from '../../../api/experiments'
import { ConfirmDialog } from '../../../components/Modal'

/** What promoting a variant changes, said before it is done: its settings become the organization's. */
export function PromoteDialog({
  variant,
  onConfirm,
  onClose,
  busy,
  error,
}: {
  variant: ExperimentVariant | null
  onConfirm: () => void
  onClose: () => void
  busy: boolean
  error?: ReactNode
}) {
  const s = variant?.settings ?? {}
  const changes = [
    s.tone && `The tone becomes “${s.tone}”.`,
    s.instructions && `The assistant's extra instructions become: “${s.instructions}”.`,
    s.model && `The model becomes ${s.model}.`,
    s.welcomeMessage && `The welcome message becomes: “${s.welcomeMessage}”.`,
  ].filter((c): c is string => Boolean(c))
  return (
    <ConfirmDialog
      open={variant !== null}
      title={`Promote variant “${variant?.name ?? ''}”?`}
      confirmLabel="Promote and end the experiment"
      onConfirm={onConfirm}
      onClose={onClose}
      busy={busy}
    >
      <div className="space-y-2 text-sm text-slate-700" data-testid="promote-changes">
        <p>The experiment ends and every customer gets this variant from now on:</p>
        {changes.length > 0 ? (
          <ul className="list-disc space-y-1 pl-5">
            {changes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        ) : (
          <p>This variant uses the organization's current settings: nothing else changes.</p>
        )}
        {error}
      </div>
    </ConfirmDialog>
  )
}
