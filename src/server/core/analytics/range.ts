import { BadRequest } from '../errors.js'

/** The longest range the analytics answer (a year, leap day included). */
export const MAX_RANGE_DAYS = 366
/** Without `from`/`to`: the last 30 days, today included. */
export const DEFAULT_RANGE_DAYS = 30

const DAY_MS = 86_400_000
const DATE = /^\d{4}-\d{2}-\d{2}$/

export interface DateRange {
  /** First day, YYYY-MM-DD in the organization's zone. */
  from: string
  /** Last day, included. */
  to: string
  days: number
}

/** A calendar date (YYYY-MM-DD) as days since the epoch; null when it is not a real date. */
function dayNumber(date: string): number | null {
  if (!DATE.test(date)) return null
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const ms = Date.UTC(y, m - 1, d)
  // 2025-02-30 rolls over to March: not a date.
  return new Date(ms).toISOString().slice(0, 10) === date ? ms / DAY_MS : null
}

const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)

/** The days of a range, in order. */
export function daysOf(range: DateRange): string[] {
  const first = dayNumber(range.from) ?? 0
  return Array.from({ length: range.days }, (_, i) => dateOf(first + i))
}

/**
 * The range asked for, in the organization's zone: `to` defaults to today there, `from` to 29 days
 * before `to`. Either bound must be a real date; `from` after `to` or more than a year is a 400.
 */
export function analyticsRange(
  input: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
  now = new Date(),
): DateRange {
  const parse = (value: string, name: string) => {
    const day = dayNumber(value)
    if (day === null) throw new BadRequest(`${name} must be a date (YYYY-MM-DD)`, { field: name })
    return day
  }
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(now)
  const to = input.to ? parse(input.to, 'to') : (dayNumber(today) ?? 0)
  const from = input.from ? parse(input.from, 'from') : to - (DEFAULT_RANGE_DAYS - 1)
  if (from > to) throw new BadRequest('from must not be after to', { field: 'from' })
  const days = to - from + 1
  if (days > MAX_RANGE_DAYS)
    throw new BadRequest(`A range covers at most ${MAX_RANGE_DAYS} days`, { field: 'to', days })
  return { from: dateOf(from), to: dateOf(to), days }
}
