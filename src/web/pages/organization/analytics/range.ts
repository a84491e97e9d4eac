import type { DateRange } from '../../../api/analytics'
import { wallClockIn } from '../broadcasts/orgTime'

export const PRESETS = [7, 30, 90] as const
export type Preset = (typeof PRESETS)[number]

/** A calendar date moved by whole days, without any time zone getting in the way. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/** The last `days` days up to today, today counted, by the organization's calendar. */
export function lastDays(days: number, timeZone: string, now = new Date()): DateRange {
  const today = wallClockIn(timeZone, now).date
  return { from: addDays(today, 1 - days), to: today }
}

/** Which preset a range is, if it is one (ending today in the organization's zone). */
export function presetOf(range: DateRange, timeZone: string, now = new Date()): Preset | null {
  return (
    PRESETS.find((n) => {
      const p = lastDays(n, timeZone, now)
      return p.from === range.from && p.to === range.to
    }) ?? null
  )
}

/** "Nov 3, 2026" for a calendar date the server counted in the organization's zone. */
export function formatDay(date: string, style: 'short' | 'medium' = 'medium'): string {
  const d = new Date(`${date}T00:00:00Z`)
  if (Number.isNaN(d.getTime())) return date
  return style === 'short'
    ? d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })
    : d.toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' })
}
