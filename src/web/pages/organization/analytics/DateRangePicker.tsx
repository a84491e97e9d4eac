import { useEffect, useState } from 'react'
import type { DateRange } from '../../../api/analytics'
import { Button } from '../../../components/Button'
import { TextField } from '../../../components/Field'
import { lastDays, PRESETS, presetOf } from './range'

/** The longest range the dashboard asks for: a year of days keeps the charts readable. */
const MAX_DAYS = 366

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000) + 1

/** Why a typed range cannot be asked for, or null when it can. */
function rangeProblem(r: DateRange): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(r.from) || !/^\d{4}-\d{2}-\d{2}$/.test(r.to)) return 'Choose both dates.'
  if (r.from > r.to) return 'The start date is after the end date.'
  if (daysBetween(r.from, r.to) > MAX_DAYS) return `Choose at most ${MAX_DAYS} days.`
  return null
}

/**
 * From/to dates in the organization's time zone, with the usual presets. A typed date applies once
 * both make a valid range, so the charts do not reload on every keystroke of a half-typed date.
 */
export function DateRangePicker({
  value,
  timeZone,
  onChange,
}: {
  value: DateRange
  timeZone: string
  onChange: (range: DateRange) => void
}) {
  const [draft, setDraft] = useState(value)
  useEffect(() => setDraft(value), [value])
  const problem = rangeProblem(draft)
  const active = presetOf(value, timeZone)
  const edit = (next: DateRange) => {
    setDraft(next)
    if (!rangeProblem(next)) onChange(next)
  }
  return (
    <fieldset className="flex flex-wrap items-end gap-3" data-testid="date-range">
      <legend className="sr-only">Date range</legend>
      <div className="flex gap-1">
        {PRESETS.map((days) => (
          <Button
            key={days}
            variant={active === days ? 'primary' : 'secondary'}
            aria-pressed={active === days}
            onClick={() => onChange(lastDays(days, timeZone))}
          >
            Last {days} days
          </Button>
        ))}
      </div>
      <div className="w-40">
        <TextField
          id="analytics-from"
          label="From"
          type="date"
          value={draft.from}
          max={draft.to || undefined}
          onChange={(e) => edit({ ...draft, from: e.target.value })}
        />
      </div>
      <div className="w-40">
        <TextField
          id="analytics-to"
          label="To"
          type="date"
          value={draft.to}
          min={draft.from || undefined}
          max={lastDays(1, timeZone).to}
          onChange={(e) => edit({ ...draft, to: e.target.value })}
          error={problem ?? undefined}
        />
      </div>
      <p className="pb-2 text-xs text-slate-600" data-testid="range-timezone">
        Days in {timeZone}
      </p>
    </fieldset>
  )
}
