import { type FormEvent, type ReactNode, useMemo, useState } from 'react'
import { useNavigate } from 'react-router-dom'
import { ApiError } from '../../api/client'
import { useAiProviders } from '../../api/knowledge'
import { useDeleteOrganization, useUpdateOrganization } from '../../api/organizations'
import {
  atLeast,
  type BusinessHours,
  type Interval,
  type Organization,
  TONES,
  WEEKDAYS,
  type Weekday,
} from '../../api/types'
import { Button } from '../../components/Button'
import { Card, ErrorNotice, ReadOnlyNote, SuccessNotice } from '../../components/Feedback'
import { inlineInputClass, SelectField, TextAreaField, TextField } from '../../components/Field'
import { ConfirmDialog } from '../../components/Modal'
import { MembersSection } from './MembersSection'
import { PlanSection } from './PlanSection'

type Update = ReturnType<typeof useUpdateOrganization>

/** A settings section: its own form, save button, error and "saved" note. */
function Section({
  title,
  description,
  canEdit,
  update,
  onSubmit,
  children,
  testId,
  saveLabel,
}: {
  saveLabel?: string
  title: string
  description?: string
  canEdit: boolean
  update: Update
  onSubmit: () => void
  children: ReactNode
  testId: string
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (canEdit) onSubmit()
  }
  return (
    <Card title={title}>
      <form onSubmit={submit} noValidate data-testid={testId} className="space-y-4">
        {description && <p className="text-sm text-slate-500">{description}</p>}
        <fieldset disabled={!canEdit} className="space-y-4">
          {children}
        </fieldset>
        {update.isError && <ErrorNotice error={update.error} title="Not saved" />}
        {canEdit && (
          <div className="flex items-center gap-3">
            <Button type="submit" busy={update.isPending}>
              {saveLabel ?? `Save ${title.toLowerCase()}`}
            </Button>
            {update.isSuccess && !update.isPending && <SuccessNotice>Saved.</SuccessNotice>}
          </div>
        )}
      </form>
    </Card>
  )
}

const fieldErr = (update: Update, path: string) =>
  update.error instanceof ApiError ? update.error.fieldError(path) : undefined

function GeneralSection({ org, canEdit }: { org: Organization; canEdit: boolean }) {
  const update = useUpdateOrganization(org.id)
  const [name, setName] = useState(org.name)
  const [description, setDescription] = useState(org.description)
  const [industry, setIndustry] = useState(org.industry)
  const [displayName, setDisplayName] = useState(org.whatsappDisplayName ?? '')
  return (
    <Section
      title="General"
      testId="settings-general"
      canEdit={canEdit}
      update={update}
      onSubmit={() =>
        update.mutate({
          name,
          description,
          industry,
          whatsappDisplayName: displayName.trim() ? displayName : null,
        })
      }
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="settings-name"
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={fieldErr(update, 'name')}
        />
        <TextField
          id="settings-industry"
          label="Industry"
          value={industry}
          onChange={(e) => setIndustry(e.target.value)}
          error={fieldErr(update, 'industry')}
        />
      </div>
      <TextAreaField
        id="settings-description"
        label="Description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={fieldErr(update, 'description')}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          id="settings-display-name"
          label="WhatsApp display name"
          value={displayName}
          onChange={(e) => setDisplayName(e.target.value)}
          error={fieldErr(update, 'whatsappDisplayName')}
        />
      </div>
    </Section>
  )
}

function WelcomeSection({ org, canEdit }: { org: Organization; canEdit: boolean }) {
  const update = useUpdateOrganization(org.id)
  const [welcome, setWelcome] = useState(org.welcomeMessage)
  return (
    <Section
      title="Welcome message"
      description="Sent to a customer the first time they write."
      testId="settings-welcome"
      canEdit={canEdit}
      update={update}
      onSubmit={() => update.mutate({ welcomeMessage: welcome })}
    >
      <div className="grid gap-4 md:grid-cols-2">
        <TextAreaField
          id="settings-welcome"
          label="Welcome message"
          rows={4}
          maxLength={1024}
          value={welcome}
          onChange={(e) => setWelcome(e.target.value)}
          hint={`${welcome.length} / 1,024 characters`}
          error={fieldErr(update, 'welcomeMessage')}
        />
        <figure className="rounded-lg bg-[#e5ddd5] p-4" data-testid="welcome-preview">
          <figcaption className="mb-2 text-xs font-medium text-slate-600">Preview</figcaption>
          {welcome.trim() ? (
            <div className="max-w-[85%] whitespace-pre-wrap rounded-lg rounded-tl-none bg-white px-3 py-2 text-sm shadow">
              {welcome}
            </div>
          ) : (
            <p className="text-sm text-slate-600">No welcome message: the assistant answers directly.</p>
          )}
        </figure>
      </div>
    </Section>
  )
}

const DAY_LABEL: Record<Weekday, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
}

function timeZones(current: string): string[] {
  let zones: string[] = []
  try {
    zones = Intl.supportedValuesOf('timeZone')
  } catch {
    zones = []
  }
  const all = new Set(['UTC', ...zones])
  if (current) all.add(current)
  return [...all]
}

function BusinessHoursSection({ org, canEdit }: { org: Organization; canEdit: boolean }) {
  const update = useUpdateOrganization(org.id)
  const [hours, setHours] = useState<BusinessHours>(() => ({
    ...org.businessHours,
    schedule: Object.fromEntries(WEEKDAYS.map((d) => [d, org.businessHours.schedule[d] ?? []])),
  }))
  const zones = useMemo(() => timeZones(hours.timezone), [hours.timezone])

  const setDay = (day: Weekday, intervals: Interval[]) =>
    setHours((h) => ({ ...h, schedule: { ...h.schedule, [day]: intervals } }))
  const setInterval = (day: Weekday, i: number, patch: Partial<Interval>) =>
    setDay(
      day,
      (hours.schedule[day] ?? []).map((iv, j) => (j === i ? { ...iv, ...patch } : iv)),
    )

  return (
    <Section
      title="Business hours"
      description="Outside these hours customers get the out-of-hours message instead of an AI answer."
      testId="settings-hours"
      canEdit={canEdit}
      update={update}
      onSubmit={() => update.mutate({ businessHours: hours })}
    >
      <label className="flex items-center gap-2 text-sm font-medium" htmlFor="hours-enabled">
        <input
          id="hours-enabled"
          type="checkbox"
          className="h-4 w-4"
          checked={hours.enabled}
          onChange={(e) => setHours((h) => ({ ...h, enabled: e.target.checked }))}
        />
        Use business hours
      </label>
      <SelectField
        id="hours-timezone"
        label="Time zone"
        value={hours.timezone}
        onChange={(e) => setHours((h) => ({ ...h, timezone: e.target.value }))}
        error={fieldErr(update, 'businessHours.timezone')}
      >
        {zones.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </SelectField>
      <div className="space-y-3">
        <p className="text-sm font-medium text-slate-700">Weekly opening hours</p>
        {WEEKDAYS.map((day) => {
          const intervals = hours.schedule[day] ?? []
          const dayError = fieldErr(update, `businessHours.schedule.${day}`)
          return (
            <div key={day} className="rounded-md border border-slate-200 p-3" data-day={day}>
              <div className="flex flex-wrap items-center justify-between gap-2">
                <span className="w-28 text-sm font-medium">{DAY_LABEL[day]}</span>
                {intervals.length === 0 && <span className="text-sm text-slate-500">Closed</span>}
                <Button
                  variant="ghost"
                  className="text-emerald-700"
                  aria-label={`Add interval on ${DAY_LABEL[day]}`}
                  disabled={intervals.length >= 6}
                  onClick={() =>
                    setDay(day, [
                      ...intervals,
                      intervals.length
                        ? { open: '13:00', close: '17:00' }
                        : { open: '09:00', close: '17:00' },
                    ])
                  }
                >
                  + Add interval
                </Button>
              </div>
              {intervals.length > 0 && (
                <ul className="mt-2 space-y-2">
                  {intervals.map((iv, i) => {
                    const ivError = fieldErr(update, `businessHours.schedule.${day}.${i}`)
                    return (
                      // biome-ignore lint/suspicious/noArrayIndexKey: intervals have no identity beyond position
                      <li key={i} className="space-y-1">
                        <div className="flex flex-wrap items-center gap-2">
                          <label className="sr-only" htmlFor={`hours-${day}-${i}-open`}>
                            {DAY_LABEL[day]} interval {i + 1} opens
                          </label>
                          <input
                            id={`hours-${day}-${i}-open`}
                            type="time"
                            className={`${inlineInputClass} w-32`}
                            value={iv.open}
                            aria-invalid={ivError ? true : undefined}
                            onChange={(e) => setInterval(day, i, { open: e.target.value })}
                          />
                          <span aria-hidden>–</span>
                          <label className="sr-only" htmlFor={`hours-${day}-${i}-close`}>
                            {DAY_LABEL[day]} interval {i + 1} closes
                          </label>
                          <input
                            id={`hours-${day}-${i}-close`}
                            type="time"
                            className={`${inlineInputClass} w-32`}
                            value={iv.close}
                            aria-invalid={ivError ? true : undefined}
                            onChange={(e) => setInterval(day, i, { close: e.target.value })}
                          />
                          <Button
                            variant="ghost"
                            className="text-red-700"
                            aria-label={`Remove ${DAY_LABEL[day]} interval ${i + 1}`}
                            onClick={() =>
                              setDay(
                                day,
                                intervals.filter((_, j) => j !== i),
                              )
                            }
                          >
                            Remove
                          </Button>
                        </div>
                        {ivError && (
                          <p role="alert" className="text-xs text-red-600">
                            {ivError}
                          </p>
                        )}
                      </li>
                    )
                  })}
                </ul>
              )}
              {dayError &&
                !intervals.some((_, i) => fieldErr(update, `businessHours.schedule.${day}.${i}`)) && (
                  <p role="alert" className="mt-1 text-xs text-red-600">
                    {dayError}
                  </p>
                )}
            </div>
          )
        })}
        <div className="flex flex-wrap gap-2">
          <Button
            variant="secondary"
            onClick={() =>
              setHours((h) => ({
                ...h,
                schedule: Object.fromEntries(
                  WEEKDAYS.map((d) => [
                    d,
                    d === 'saturday' || d === 'sunday' ? [] : [{ open: '09:00', close: '17:00' }],
                  ]),
                ),
              }))
            }
          >
            Weekdays 9–17
          </Button>
          <Button
            variant="secondary"
            onClick={() =>
              setHours((h) => ({ ...h, schedule: Object.fromEntries(WEEKDAYS.map((d) => [d, []])) }))
            }
          >
            Clear the week
          </Button>
        </div>
      </div>
      <TextAreaField
        id="hours-message"
        label="Out-of-hours message"
        value={hours.outOfHoursMessage}
        onChange={(e) => setHours((h) => ({ ...h, outOfHoursMessage: e.target.value }))}
        error={fieldErr(update, 'businessHours.outOfHoursMessage')}
      />
    </Section>
  )
}

function AiSection({ org, canEdit }: { org: Organization; canEdit: boolean }) {
  const update = useUpdateOrganization(org.id)
  const providers = useAiProviders()
  const [tone, setTone] = useState(org.ai.tone)
  const [language, setLanguage] = useState(org.ai.language)
  const [provider, setProvider] = useState(org.ai.provider ?? 'builtin')
  const [model, setModel] = useState(org.ai.model ?? '')
  const [escalation, setEscalation] = useState(org.ai.escalationRules ?? '')
  const providerList = providers.data ?? [{ id: provider, models: model ? [model] : [] }]
  const models = providerList.find((p) => p.id === provider)?.models ?? []
  return (
    <Section
      title="AI settings"
      saveLabel="Save AI settings"
      testId="settings-ai"
      canEdit={canEdit}
      update={update}
      onSubmit={() =>
        update.mutate({
          ai: {
            tone,
            language,
            provider,
            ...(model ? { model } : {}),
            ...(escalation.trim() ? { escalationRules: escalation } : {}),
          },
        })
      }
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField
          id="ai-tone"
          label="Tone"
          value={tone}
          onChange={(e) => setTone(e.target.value)}
          error={fieldErr(update, 'ai.tone')}
        >
          {TONES.map((t) => (
            <option key={t} value={t}>
              {t[0].toUpperCase() + t.slice(1)}
            </option>
          ))}
        </SelectField>
        <TextField
          id="ai-language"
          label="Language"
          value={language}
          onChange={(e) => setLanguage(e.target.value)}
          hint="A language code: en, fr, pt-BR…"
          error={fieldErr(update, 'ai.language')}
        />
        <SelectField
          id="ai-provider"
          label="Provider"
          value={provider}
          onChange={(e) => {
            setProvider(e.target.value)
            setModel('')
          }}
          error={fieldErr(update, 'ai.provider')}
          hint={providers.isError ? 'Could not load the configured providers.' : undefined}
        >
          {providerList.map((p) => (
            <option key={p.id} value={p.id}>
              {p.id === 'builtin' ? 'Built-in' : p.id}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="ai-model"
          label="Model"
          value={model}
          onChange={(e) => setModel(e.target.value)}
          error={fieldErr(update, 'ai.model')}
        >
          <option value="">Default</option>
          {models.map((m) => (
            <option key={m} value={m}>
              {m}
            </option>
          ))}
          {model && !models.includes(model) && <option value={model}>{model}</option>}
        </SelectField>
      </div>
      <TextAreaField
        id="ai-escalation"
        label="When to hand over to a person"
        value={escalation}
        onChange={(e) => setEscalation(e.target.value)}
        placeholder="e.g. complaints, refunds, anything about an existing order"
        error={fieldErr(update, 'ai.escalationRules')}
      />
    </Section>
  )
}

function DangerZone({ org }: { org: Organization }) {
  const del = useDeleteOrganization(org.id)
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)
  const [typed, setTyped] = useState('')
  return (
    <section className="rounded-lg border border-red-300 bg-white p-4 sm:p-5">
      <h2 className="text-base font-semibold text-red-800">Danger zone</h2>
      <p className="mt-1 text-sm text-slate-600">
        Deleting the organization releases its number and removes its knowledge and conversations. This cannot
        be undone.
      </p>
      <Button variant="danger" className="mt-3" onClick={() => setOpen(true)}>
        Delete organization
      </Button>
      <ConfirmDialog
        open={open}
        title={`Delete ${org.name}?`}
        confirmLabel="Delete forever"
        busy={del.isPending}
        confirmDisabled={typed !== org.name}
        onClose={() => {
          setOpen(false)
          setTyped('')
        }}
        onConfirm={() => del.mutate(undefined, { onSuccess: () => navigate('/Dashboard/organizations') })}
      >
        <TextField
          id="delete-confirm"
          label={
            <>
              Type <strong>{org.name}</strong> to confirm
            </>
          }
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoComplete="off"
        />
        {del.isError && <ErrorNotice error={del.error} title="Not deleted" />}
      </ConfirmDialog>
    </section>
  )
}

export function SettingsTab({ org }: { org: Organization }) {
  const canEdit = atLeast(org.role, 'admin')
  return (
    <div className="space-y-4">
      {!canEdit && (
        <ReadOnlyNote>
          You are {org.role === 'agent' ? 'an agent' : 'a viewer'} here: settings are read-only. Ask an owner
          or admin to change them.
        </ReadOnlyNote>
      )}
      <GeneralSection org={org} canEdit={canEdit} />
      <PlanSection org={org} />
      <WelcomeSection org={org} canEdit={canEdit} />
      <BusinessHoursSection org={org} canEdit={canEdit} />
      <AiSection org={org} canEdit={canEdit} />
      <MembersSection org={org} />
      {org.role === 'owner' && <DangerZone org={org} />}
    </div>
  )
}
