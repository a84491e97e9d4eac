import { BadRequest } from '../errors.js'
import { clockParts, datePart } from '../usage/month.js'

// A broadcast is scheduled in the organization's own clock ('2027-03-14T09:30' in its business
// hours' zone) and stored as an instant. Around a daylight-saving change a local time can name no
// instant (the hour skipped in spring) or two (the hour repeated in autumn).

/** Local date and time of the organization's zone, to the minute: 'YYYY-MM-DDTHH:mm'. */
export const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

/** The local wall-clock time of an instant in a zone, as 'YYYY-MM-DDTHH:mm'. */
export function localDateTime(at: Date, timeZone: string): string {
  const parts = clockParts(at, timeZone)
  const get = (type: Intl.DateTimeFormatPartTypes) => datePart(parts, type)
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`
}

/** Minutes the zone is ahead of UTC at an instant. */
function offsetMinutesAt(at: number, timeZone: string): number {
  const local = localDateTime(new Date(at), timeZone)
  const m = LOCAL_DATE_TIME.exec(local)
  if (!m) throw new Error(`unexpected local time ${local}`)
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]))
  return Math.round((asUtc - Math.floor(at / 60_000) * 60_000) / 60_000)
}

export type LocalTimeResult =
  | { ok: true; at: Date }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'skipped'; sameMomentAs: string }

/**
 * The instant a local date-time names in `timeZone`. A time repeated when clocks go back is its
 * first occurrence (still on summer time). A time skipped when clocks go forward names no instant:
 * `skipped`, with the local time that moment has on the new clock (02:30 → 03:30), to offer instead.
 */
export function instantOfLocal(local: string, timeZone: string): LocalTimeResult {
  const m = LOCAL_DATE_TIME.exec(local)
  if (!m) return { ok: false, reason: 'invalid' }
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ]
  const naive = Date.UTC(y, mo - 1, d, h, mi)
  // Reject dates like 2027-02-30 that Date.UTC would roll over.
  const check = new Date(naive)
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) {
    return { ok: false, reason: 'invalid' }
  }
  // The offsets in force a day either side cover any one transition around this time.
  const offsets = new Set([
    offsetMinutesAt(naive - 86_400_000, timeZone),
    offsetMinutesAt(naive + 86_400_000, timeZone),
  ])
  const candidates = [...offsets]
    .map((off) => naive - off * 60_000)
    .filter((at) => localDateTime(new Date(at), timeZone) === local)
    .sort((a, b) => a - b)
  const first = candidates[0]
  if (first !== undefined) return { ok: true, at: new Date(first) }
  // In the gap: read with the offset before the change, it is this time on the new clock.
  const before = Math.min(...offsets)
  return {
    ok: false,
    reason: 'skipped',
    sameMomentAs: localDateTime(new Date(naive - before * 60_000), timeZone),
  }
}

/**
 * When a broadcast starts: now (no `sendAt`), or the organization's local time converted to an
 * instant. A local time in the hour skipped by a daylight-saving change, or in the past, is a 400
 * (a time within the current minute counts as now).
 */
export function resolveSendAt(sendAt: string | undefined, timeZone: string, now = new Date()): Date {
  if (sendAt === undefined) return now
  const result = instantOfLocal(sendAt, timeZone)
  if (!result.ok) {
    if (result.reason === 'invalid')
      throw new BadRequest('Invalid input', [{ path: 'sendAt', message: `${sendAt} is not a date and time` }])
    throw new BadRequest('Invalid input', [
      {
        path: 'sendAt',
        message: `${sendAt.replace('T', ' ')} does not exist in ${timeZone}: the clocks jump forward then (${result.sameMomentAs.replace('T', ' ')} is that moment on the new time)`,
      },
    ])
  }
  if (result.at.getTime() < Math.floor(now.getTime() / 60_000) * 60_000) {
    throw new BadRequest('Invalid input', [
      {
        path: 'sendAt',
        message: `${sendAt.replace('T', ' ')} (${timeZone}) is in the past; it is ${localDateTime(now, timeZone).replace('T', ' ')} there`,
      },
    ])
  }
  return result.at < now ? now : result.at
}
