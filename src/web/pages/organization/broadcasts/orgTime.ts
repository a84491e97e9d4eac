/**
 * The wall clock of the organization's time zone: schedules are written and read in it, whatever
 * the zone of the person at the keyboard.
 */
export function wallClockIn(timeZone: string, at = new Date()): { date: string; time: string } {
  const fields: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }
  let parts: Intl.DateTimeFormatPart[]
  try {
    parts = new Intl.DateTimeFormat('en-CA', { ...fields, timeZone }).formatToParts(at)
  } catch {
    // A zone this browser does not know: its own clock rather than nothing.
    parts = new Intl.DateTimeFormat('en-CA', fields).formatToParts(at)
  }
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00'
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` }
}

/** The next day's date (YYYY-MM-DD) after a calendar date, without any time zone getting in the way. */
export function nextDay(date: string): string {
  const d = new Date(`${date}T12:00:00Z`)
  d.setUTCDate(d.getUTCDate() + 1)
  return d.toISOString().slice(0, 10)
}

/** 'YYYY-MM-DDTHH:mm' local to a zone, read aloud: "Mar 5, 2027, 09:00 (Europe/Paris)". */
export function formatLocal(local: string | null | undefined, timeZone: string): string {
  if (!local) return '—'
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local)
  if (!m) return `${local} (${timeZone})`
  const [, y, mo, d, h, mi] = m
  // Formatted as if UTC, so the reader's own zone cannot shift the wall-clock time it names.
  const asUtc = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi)))
  const text = asUtc.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })
  return `${text} (${timeZone})`
}
