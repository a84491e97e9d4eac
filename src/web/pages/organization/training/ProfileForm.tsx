import { Link } from 'react-router-dom'
import { useSaveProfile } from '../../../api/knowledge'
import type { Organization, ProfileFields, Source } from '../../../api/types'
import { Button, focusRing } from '../../../components/Button'
import { Card } from '../../../components/Feedback'
import { TextAreaField, TextField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'
import { languageName } from '../../../components/language'
import { PlanErrorNotice } from '../../../components/PlanRequired'
import { useToast } from '../../../components/Toast'

/**
 * The profile fields asked here. The business's name, description and answering language are asked
 * once, in Settings (General and AI): the profile shows them and saves the name and description
 * with its own fields, so the knowledge base holds them too.
 */
type OwnFields = Required<
  Pick<ProfileFields, 'location' | 'openingHours' | 'contact' | 'policies' | 'toneOfVoice'>
>

const OWN_FIELDS: { key: keyof OwnFields; label: string; multiline?: boolean; placeholder?: string }[] = [
  { key: 'location', label: 'Location' },
  { key: 'openingHours', label: 'Opening hours', placeholder: 'Mon–Fri 9:00–17:00' },
  { key: 'contact', label: 'Contact' },
  { key: 'toneOfVoice', label: 'Tone of voice', placeholder: 'Warm, short answers, no emojis' },
  { key: 'policies', label: 'Policies (delivery, returns, payment…)', multiline: true },
]

const ownFieldsOf = (fields: Source['fields']): OwnFields => ({
  location: fields?.location ?? '',
  openingHours: fields?.openingHours ?? '',
  contact: fields?.contact ?? '',
  policies: fields?.policies ?? '',
  toneOfVoice: fields?.toneOfVoice ?? '',
})

/** What the profile takes from Settings, shown with the way to change it there. */
function FromSettings({ org }: { org: Organization }) {
  return (
    <div className="rounded-md bg-slate-50 p-3 text-sm" data-testid="profile-from-settings">
      <dl className="grid gap-2 sm:grid-cols-[10rem_1fr]">
        <dt className="text-slate-600">Business name</dt>
        <dd className="font-medium">{org.name}</dd>
        <dt className="text-slate-600">What you do</dt>
        <dd className="whitespace-pre-wrap">{org.description || '—'}</dd>
        <dt className="text-slate-600">Answers in</dt>
        <dd>{languageName(org.ai.language)}</dd>
      </dl>
      <Link
        to="?tab=settings"
        className={`mt-2 inline-block font-medium text-emerald-700 underline ${focusRing}`}
      >
        Change these in Settings
      </Link>
    </div>
  )
}

/** Step 1 (with FAQs, texts and files): the facts every answer may need. */
export function ProfileForm({
  org,
  profile,
  canEdit,
}: {
  org: Organization
  profile?: Source
  canEdit: boolean
}) {
  const save = useSaveProfile(org.id)
  const toast = useToast()
  const form = useServerForm(() => ownFieldsOf(profile?.fields ?? null), save, { pathPrefix: 'fields' })

  const onSubmit = form.submit((values) => {
    const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''))
    const fields: ProfileFields = {
      name: org.name,
      ...(org.description.trim() ? { description: org.description } : {}),
      ...filled,
    }
    save.mutate(fields, {
      onSuccess: () => {
        form.markSaved(values)
        toast('Profile saved.')
      },
    })
  })

  return (
    <Card title="Business profile">
      <form onSubmit={onSubmit} noValidate className="space-y-4" data-testid="profile-form">
        <FromSettings org={org} />
        <fieldset disabled={!canEdit} className="grid gap-4 sm:grid-cols-2">
          {OWN_FIELDS.map((f) =>
            f.multiline ? (
              <div key={f.key} className="sm:col-span-2">
                <TextAreaField
                  id={`profile-${f.key}`}
                  label={f.label}
                  placeholder={f.placeholder}
                  {...form.bind(f.key)}
                />
              </div>
            ) : (
              <TextField
                key={f.key}
                id={`profile-${f.key}`}
                label={f.label}
                placeholder={f.placeholder}
                {...form.bind(f.key)}
              />
            ),
          )}
        </fieldset>
        {/* The name and description come from Settings: their messages have no field here to sit by. */}
        {save.isError && (
          <PlanErrorNotice
            error={save.error}
            title="Profile not saved"
            showFields={Boolean(form.error('fields.name') || form.error('fields.description'))}
          />
        )}
        {canEdit && (
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" busy={save.isPending}>
              Save profile
            </Button>
            {form.dirty && !save.isPending && <span className="text-sm text-slate-600">Unsaved changes</span>}
          </div>
        )}
      </form>
    </Card>
  )
}
