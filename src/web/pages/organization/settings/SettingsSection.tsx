import type { FormEvent, ReactNode } from 'react'
import { useUpdateOrganization } from '../../../api/organizations'
import type { OrganizationChanges } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card } from '../../../components/Feedback'
import { PlanErrorNotice } from '../../../components/PlanRequired'
import { useToast } from '../../../components/Toast'

/**
 * Saves one settings section: PATCHes the organization, then confirms with a toast (the form's own
 * "unsaved changes" note says the rest).
 */
export function useSaveSection(orgId: string, confirmation: string) {
  const update = useUpdateOrganization(orgId)
  const toast = useToast()
  const save = (changes: OrganizationChanges, onSaved: () => void) =>
    update.mutate(changes, {
      onSuccess: () => {
        onSaved()
        toast(confirmation)
      },
    })
  return { update, save }
}

/** A settings section: its own form, save button and error; read-only members see it disabled. */
export function SettingsSection({
  title,
  description,
  testId,
  canEdit,
  saveLabel,
  busy,
  error,
  dirty,
  onSubmit,
  children,
}: {
  title: string
  description?: ReactNode
  testId: string
  canEdit: boolean
  saveLabel: string
  busy: boolean
  /** The save's error: fields show their own messages, this notice the API's summary. */
  error: unknown
  dirty: boolean
  onSubmit: (e: FormEvent) => void
  children: ReactNode
}) {
  return (
    <Card title={title}>
      <form
        onSubmit={(e) => (canEdit ? onSubmit(e) : e.preventDefault())}
        noValidate
        data-testid={testId}
        className="space-y-4"
      >
        {description && <div className="text-sm text-slate-600">{description}</div>}
        <fieldset disabled={!canEdit} className="space-y-4">
          {children}
        </fieldset>
        <PlanErrorNotice error={error} title="Not saved" />
        {canEdit && (
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" busy={busy}>
              {saveLabel}
            </Button>
            {dirty && !busy && <span className="text-sm text-slate-600">Unsaved changes</span>}
          </div>
        )}
      </form>
    </Card>
  )
}
