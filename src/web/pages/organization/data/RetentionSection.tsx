import { useEffect, useState } from 'react'
import { ApiError } from '../../../api/client'
import { usePrivacy, useSetRetention } from '../../../api/data'
import type { Organization } from '../../../api/types'
import { Card, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { RadioGroup, TextField } from '../../../components/Field'
import { formatCount, formatDateTime } from '../../../components/format'
import { useToast } from '../../../components/Toast'
import { SettingsSection } from '../settings/SettingsSection'

const MIN_DAYS = 1
const MAX_DAYS = 3650

type Mode = 'forever' | 'days'

/** The policy in one sentence, as customers and the team should understand it. */
export const retentionPolicy = (days: number | null) =>
  days === null
    ? 'Messages are kept forever.'
    : `Messages older than ${formatCount(days)} ${days === 1 ? 'day' : 'days'} are deleted every hour.`

/** How long messages are kept: forever (the default) or N days, enforced by an hourly job. */
export function RetentionSection({ org }: { org: Organization }) {
  const privacy = usePrivacy(org.id)
  const save = useSetRetention(org.id)
  const toast = useToast()
  const [mode, setMode] = useState<Mode>('forever')
  const [days, setDays] = useState('365')
  const current = privacy.data?.retentionDays

  // The form starts from the saved policy, and again after each save.
  useEffect(() => {
    if (current === undefined) return
    setMode(current === null ? 'forever' : 'days')
    if (current !== null) setDays(String(current))
  }, [current])

  if (privacy.isPending) {
    return (
      <Card title="Retention">
        <LoadingBlock label="Loading the retention policy…" />
      </Card>
    )
  }
  if (privacy.isError) {
    return (
      <Card title="Retention">
        <ErrorNotice error={privacy.error} title="Could not load the retention policy" />
      </Card>
    )
  }

  const n = Number(days)
  const daysValid = /^\d+$/.test(days.trim()) && n >= MIN_DAYS && n <= MAX_DAYS
  const wanted = mode === 'forever' ? null : daysValid ? n : undefined
  const dirty = wanted !== privacy.data.retentionDays
  const apiError = save.error instanceof ApiError ? save.error : null
  const daysError =
    mode === 'days' && !daysValid
      ? `A whole number of days from ${MIN_DAYS} to ${formatCount(MAX_DAYS)}.`
      : apiError?.fieldError('retentionDays')

  return (
    <SettingsSection
      title="Retention"
      testId="retention-form"
      canEdit
      saveLabel="Save the retention policy"
      busy={save.isPending}
      error={daysError ? null : save.error}
      dirty={dirty}
      onSubmit={(e) => {
        e.preventDefault()
        if (wanted === undefined) return
        save.mutate(wanted, { onSuccess: ({ retentionDays }) => toast(retentionPolicy(retentionDays)) })
      }}
      description={
        <div className="space-y-1">
          <p className="font-medium text-slate-900" data-testid="retention-policy">
            {retentionPolicy(privacy.data.retentionDays)}
          </p>
          {privacy.data.retentionDays !== null && (
            <p data-testid="retention-last-run">
              {privacy.data.lastRetentionRunAt
                ? `Last run: ${formatDateTime(privacy.data.lastRetentionRunAt)}.`
                : 'Not run yet: the first run comes within the hour.'}
            </p>
          )}
          <p>
            Keeping less protects your customers and you: what is deleted cannot leak. Conversations, contacts
            and your monthly usage counts stay; only the messages go.
          </p>
        </div>
      }
    >
      <RadioGroup<Mode>
        name="retention-mode"
        legend="Keep messages"
        options={[
          { id: 'forever', label: 'Forever' },
          { id: 'days', label: 'For a number of days' },
        ]}
        value={mode}
        onChange={setMode}
      />
      {mode === 'days' && (
        <div className="max-w-xs">
          <TextField
            id="retention-days"
            label="Delete messages older than (days)"
            type="number"
            inputMode="numeric"
            min={MIN_DAYS}
            max={MAX_DAYS}
            step={1}
            value={days}
            onChange={(e) => setDays(e.target.value)}
            error={daysError}
            hint={`From ${MIN_DAYS} to ${formatCount(MAX_DAYS)} (ten years).`}
          />
        </div>
      )}
    </SettingsSection>
  )
}
