// Billing months are calendar months in the organization's time zone, keyed `YYYY-MM`.

// Building an Intl.DateTimeFormat is costly (it showed in the reply job's profile): keep one per zone.
const monthFormats = new Map<string, Intl.DateTimeFormat>()
const clockFormats = new Map<string, Intl.DateTimeFormat>()
const cached = (
  cache: Map<string, Intl.DateTimeFormat>,
  timezone: string,
  make: () => Intl.DateTimeFormat,
) => {
  let f = cache.get(timezone)
  if (!f) {
    f = make()
    cache.set(timezone, f)
  }
  return f
}

/** One field of `Intl.DateTimeFormat#formatToParts`; every format here asks for the fields it reads. */
export function datePart(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): string {
  const part = parts.find((p) => p.type === type)
  if (!part) throw new Error(`the date format gave no ${type}`)
  return part.value
}

function monthParts(at: Date, timezone: string) {
  const parts = cached(
    monthFormats,
    timezone,
    () => new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit' }),
  ).formatToParts(at)
  return { year: datePart(parts, 'year'), month: datePart(parts, 'month') }
}

export function monthKey(at: Date, timezone: string): string {
  const { year, month } = monthParts(at, timezone)
  return `${year}-${month}`
}

/** The wall clock in `timezone` at `at`: year, 2-digit month, day, hour (00-23), minute and second parts. */
export function clockParts(at: Date, timezone: string): Intl.DateTimeFormatPart[] {
  return cached(
    clockFormats,
    timezone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
  ).formatToParts(at)
}

/** Offset of `timezone` from UTC at instant `at`, in minutes. */
function offsetMinutes(at: Date, timezone: string): number {
  const parts = clockParts(at, timezone)
  const get = (t: Intl.DateTimeFormatPartTypes) => Number(datePart(parts, t))
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60000)
}

/** The instant the billing month containing `at` started (00:00 on the 1st in `timezone`). */
export function monthStart(at: Date, timezone: string): Date {
  const { year, month } = monthParts(at, timezone)
  const naive = Date.UTC(Number(year), Number(month) - 1, 1, 0, 0, 0)
  // Two passes settle the offset even when the 1st is on a DST boundary.
  let guess = naive - offsetMinutes(new Date(naive), timezone) * 60000
  guess = naive - offsetMinutes(new Date(guess), timezone) * 60000
  return new Date(guess)
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return tz.includes('/') || tz === 'UTC'
  } catch {
    return false
  }
}
