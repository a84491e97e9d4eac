import type { BusinessHours, Weekday } from '../../db/schema/index.js'
import { datePart } from '../usage/month.js'

// Business hours are weekly wall-clock intervals in the organization's time zone. Working on
// the local wall clock (through Intl) makes daylight-saving changes fall out naturally.

const DAYS: Weekday[] = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']
const WEEK = 7 * 24 * 60
const SHORT: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 }

interface LocalTime {
  /** Minutes since Monday 00:00, local. */
  minuteOfWeek: number
  /** Local wall clock as a naive UTC timestamp (ms), for date arithmetic. */
  naive: number
}

const formats = new Map<string, Intl.DateTimeFormat>()

function localTime(at: Date, timezone: string): LocalTime {
  let format = formats.get(timezone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
    formats.set(timezone, format)
  }
  const parts = format.formatToParts(at)
  const get = (t: Intl.DateTimeFormatPartTypes) => datePart(parts, t)
  const day = SHORT[get('weekday')]
  if (day === undefined) throw new Error(`unexpected weekday ${get('weekday')} from Intl`)
  const hour = Number(get('hour'))
  const minute = Number(get('minute'))
  return {
    minuteOfWeek: day * 1440 + hour * 60 + minute,
    naive: Date.UTC(Number(get('year')), Number(get('month')) - 1, Number(get('day')), hour, minute),
  }
}

const toMinutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number)
  if (h === undefined || m === undefined) throw new Error(`not an HH:MM time: ${hhmm}`)
  return h * 60 + m
}

/** Open intervals as [start, end) minutes of the week; an interval whose close is not after its open crosses midnight. */
export function weeklyIntervals(hours: Pick<BusinessHours, 'schedule'>): [number, number][] {
  const out: [number, number][] = []
  DAYS.forEach((day, i) => {
    for (const interval of hours.schedule[day] ?? []) {
      const open = toMinutes(interval.open)
      let close = toMinutes(interval.close)
      if (close <= open) close += 1440
      out.push([i * 1440 + open, i * 1440 + close])
    }
  })
  return out
}

export type OpenState =
  | { open: true }
  | { open: false /** Identifies this closed period (when it began, local). */; periodKey: string }

/** Whether the business is open at `at`; when closed, a key naming the closed period. */
export function openState(hours: BusinessHours, at: Date): OpenState {
  if (!hours.enabled) return { open: true }
  const intervals = weeklyIntervals(hours)
  if (intervals.length === 0) return { open: false, periodKey: 'never-open' }
  const now = localTime(at, hours.timezone)
  // Check this week's intervals and last week's (for one crossing Sunday midnight).
  for (const [start, end] of intervals) {
    for (const shift of [0, -WEEK]) {
      if (now.minuteOfWeek >= start + shift && now.minuteOfWeek < end + shift) return { open: true }
    }
  }
  // Minutes since the most recent closing.
  let since = Number.POSITIVE_INFINITY
  for (const [, end] of intervals) {
    const endInWeek = end % WEEK
    const delta = (((now.minuteOfWeek - endInWeek) % WEEK) + WEEK) % WEEK
    since = Math.min(since, delta)
  }
  const closedAt = new Date(now.naive - since * 60_000).toISOString().slice(0, 16)
  return { open: false, periodKey: closedAt }
}
