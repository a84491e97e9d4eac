import { type QualitySettings, useQualitySettings, useUpdateQualitySettings } from '../../../api/quality'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { CheckboxField, RadioGroup, TextField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'
import { useToast } from '../../../components/Toast'
import { SettingsSection } from '../settings/SettingsSection'

const GRADING: { id: QualitySettings['grading']; label: string }[] = [
  { id: 'off', label: 'Off' },
  { id: 'sample', label: 'A sample of answers' },
  { id: 'all', label: 'Every answer' },
]

/** What the form edits: the rate as a percentage and the delay as text, as people type them. */
interface Draft {
  grading: QualitySettings['grading']
  samplePercent: string
  askRating: boolean
  ratingDelayMinutes: string
}

const draftOf = (s: QualitySettings): Draft => ({
  grading: s.grading,
  samplePercent: String(Math.round(s.sampleRate * 100)),
  askRating: s.askRating,
  ratingDelayMinutes: String(s.ratingDelayMinutes),
})

/** How answers are graded and whether customers are asked to rate: owners and admins only. */
export function QualitySettingsForm({ orgId }: { orgId: string }) {
  const settings = useQualitySettings(orgId)
  if (settings.isPending) return <LoadingBlock label="Loading the quality settings…" />
  if (settings.isError)
    return <ErrorNotice error={settings.error} title="Could not load the quality settings" />
  return <QualitySettingsFields orgId={orgId} settings={settings.data} />
}

function QualitySettingsFields({ orgId, settings }: { orgId: string; settings: QualitySettings }) {
  const update = useUpdateQualitySettings(orgId)
  const toast = useToast()
  const form = useServerForm(() => draftOf(settings), update)
  const v = form.values
  const save = (d: Draft) => {
    const next: QualitySettings = {
      grading: d.grading,
      sampleRate: Number(d.samplePercent) / 100,
      askRating: d.askRating,
      ratingDelayMinutes: Number(d.ratingDelayMinutes),
    }
    update.mutate(next, {
      onSuccess: (saved) => {
        form.markSaved(draftOf(saved))
        form.setValues(draftOf(saved))
        toast('Quality settings saved.')
      },
    })
  }
  return (
    <SettingsSection
      title="Quality settings"
      description="A model grades answers against the knowledge they came from (it needs an AI model in Settings; the built-in responder is not graded). Customers can be asked for a 1–5 rating once the conversation goes quiet."
      testId="quality-settings"
      canEdit
      saveLabel="Save quality settings"
      busy={update.isPending}
      error={form.hasFieldErrors ? null : update.error}
      dirty={form.dirty}
      onSubmit={form.submit(save)}
    >
      <RadioGroup
        name="quality-grading"
        legend="Grade answers with the model"
        options={GRADING}
        value={v.grading}
        onChange={(grading) => form.set('grading', grading)}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        {v.grading === 'sample' && (
          <TextField
            id="quality-sample"
            label="Share of answers graded (%)"
            type="number"
            min={1}
            max={100}
            {...form.bind('samplePercent')}
            error={form.error('sampleRate')}
          />
        )}
        <div className="space-y-3 sm:col-span-2">
          <CheckboxField
            id="quality-ask-rating"
            label="Ask customers to rate"
            description="one short question (1–5) after the conversation has been quiet for a while"
            checked={v.askRating}
            onChange={(askRating) => form.set('askRating', askRating)}
          />
        </div>
        {v.askRating && (
          <TextField
            id="quality-delay"
            label="Ask after this many quiet minutes"
            type="number"
            min={1}
            {...form.bind('ratingDelayMinutes')}
          />
        )}
      </div>
    </SettingsSection>
  )
}
