import { useMemo } from 'react'
import { planFor } from '../../../../shared/plans'
import { useEntitlements } from '../../../api/billing'
import {
  type BusinessHours,
  type Interval,
  type Organization,
  WEEKDAYS,
  type Weekday,
} from '../../../api/types'
import { Button } from '../../../components/Button'
import { SelectField, TextAreaField } from '../../../components/Field'
import { TimeInput } from '../../../components/forms/TimeInput'
import { type ServerForm, useServerForm } from '../../../components/forms/useServerForm'
import { PlanRequired } from '../../../components/PlanRequired'
import { SettingsSection, useSaveSection } from './SettingsSection'

const DAY_LABEL: Record<Weekday, string> = {
  monday: 'Monday',
  tuesday: 'Tuesday',
  wednesday: 'Wednesday',
  thursday: 'Thursday',
  friday: 'Friday',
  saturday: 'Saturday',
  sunday: 'Sunday',
}
const MAX_INTERVALS = 6

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

/** A whole week's schedule, every day present (an empty list is a closed day). */
const weekOf = (pick: (day: Weekday) => Interval[]): Record<Weekday, Interval[]> => ({
  monday: pick('monday'),
  tuesday: pick('tuesday'),
  wednesday: pick('wednesday'),
  thursday: pick('thursday'),
  friday: pick('friday'),
  saturday: pick('saturday'),
  sunday: pick('sunday'),
})

/** One day's opening intervals, each with its own open/close times and the server's message for it. */
function DaySchedule({ day, form }: { day: Weekday; form: ServerForm<BusinessHours> }) {
  const intervals = form.values.schedule[day] ?? []
  const setDay = (next: Interval[]) =>
    form.setValues((h) => ({ ...h, schedule: { ...h.schedule, [day]: next } }))
  const setInterval = (i: number, patch: Partial<Interval>) =>
    setDay(intervals.map((iv, j) => (j === i ? { ...iv, ...patch } : iv)))
  const intervalError = (i: number) => form.error(`businessHours.schedule.${day}.${i}`)
  const dayError = form.error(`businessHours.schedule.${day}`)
  const label = DAY_LABEL[day]
  return (
    <div className="rounded-md border border-slate-200 p-3" data-day={day}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="w-28 text-sm font-medium">{label}</span>
        {intervals.length === 0 && <span className="text-sm text-slate-600">Closed</span>}
        <Button
          variant="ghost"
          className="text-emerald-700"
          aria-label={`Add interval on ${label}`}
          disabled={intervals.length >= MAX_INTERVALS}
          onClick={() =>
            setDay([
              ...intervals,
              intervals.length ? { open: '13:00', close: '17:00' } : { open: '09:00', close: '17:00' },
            ])
          }
        >
          + Add interval
        </Button>
      </div>
      {intervals.length > 0 && (
        <ul className="mt-2 space-y-2">
          {intervals.map((iv, i) => {
            const error = intervalError(i)
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: intervals have no identity beyond position
              <li key={i} className="space-y-1">
                <div className="flex flex-wrap items-center gap-2">
                  <TimeInput
                    id={`hours-${day}-${i}-open`}
                    label={`${label} interval ${i + 1} opens`}
                    value={iv.open}
                    invalid={Boolean(error)}
                    onChange={(open) => setInterval(i, { open })}
                  />
                  <span aria-hidden>–</span>
                  <TimeInput
                    id={`hours-${day}-${i}-close`}
                    label={`${label} interval ${i + 1} closes`}
                    value={iv.close}
                    invalid={Boolean(error)}
                    onChange={(close) => setInterval(i, { close })}
                  />
                  <Button
                    variant="ghost"
                    className="text-red-700"
                    aria-label={`Remove ${label} interval ${i + 1}`}
                    onClick={() => setDay(intervals.filter((_, j) => j !== i))}
                  >
                    Remove
                  </Button>
                </div>
                {error && (
                  <p role="alert" className="text-xs text-red-700">
                    {error}
                  </p>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {dayError && !intervals.some((_, i) => intervalError(i)) && (
        <p role="alert" className="mt-1 text-xs text-red-700">
          {dayError}
        </p>
      )}
    </div>
  )
}

export function BusinessHoursSection({ org, canEdit }: { org: Organization; canEdit: boolean }) {
  const { update, save } = useSaveSection(org.id, 'Business hours saved.')
  const form = useServerForm<BusinessHours>(
    () => ({ ...org.businessHours, schedule: weekOf((d) => org.businessHours.schedule[d] ?? []) }),
    update,
    { pathPrefix: 'businessHours' },
  )
  const hours = form.values
  const allowed = useEntitlements(org).features.businessHours
  const zones = useMemo(() => timeZones(hours.timezone), [hours.timezone])

  return (
    <SettingsSection
      title="Business hours"
      description="Outside these hours customers get the out-of-hours message instead of an AI answer."
      saveLabel="Save business hours"
      testId="settings-hours"
      canEdit={canEdit}
      busy={update.isPending}
      error={update.error}
      dirty={form.dirty}
      onSubmit={form.submit((v) => save({ businessHours: v }, () => form.markSaved(v)))}
    >
      {!allowed && (
        <PlanRequired feature="businessHours" plan={planFor('businessHours')}>
          You can prepare the schedule now; it applies once the plan includes business hours. Until then the
          assistant answers at any hour.
        </PlanRequired>
      )}
      <label className="flex items-center gap-2 text-sm font-medium" htmlFor="hours-enabled">
        <input
          id="hours-enabled"
          type="checkbox"
          className="h-4 w-4"
          // Without the feature it cannot be turned on (the server answers 402); it can still be turned off.
          disabled={!allowed && !hours.enabled}
          checked={hours.enabled}
          onChange={(e) => form.set('enabled', e.target.checked)}
        />
        Use business hours
      </label>
      <SelectField id="hours-timezone" label="Time zone" {...form.bind('timezone')}>
        {zones.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </SelectField>
      <div className="space-y-3">
        <p className="text-sm font-medium text-slate-700">Weekly opening hours</p>
        {WEEKDAYS.map((day) => (
          <DaySchedule key={day} day={day} form={form} />
        ))}
        <div className="flex flex-wrap gap-2">
          <Button
            variant="secondary"
            onClick={() =>
              form.set(
                'schedule',
                weekOf((d) =>
                  d === 'saturday' || d === 'sunday' ? [] : [{ open: '09:00', close: '17:00' }],
                ),
              )
            }
          >
            Weekdays 9–17
          </Button>
          <Button
            variant="secondary"
            onClick={() =>
              form.set(
                'schedule',
                weekOf(() => []),
              )
            }
          >
            Clear the week
          </Button>
        </div>
      </div>
      <TextAreaField id="hours-message" label="Out-of-hours message" {...form.bind('outOfHoursMessage')} />
    </SettingsSection>
  )
}
