import { parsePhoneNumberFromString } from 'libphonenumber-js'

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleDateString(undefined, { dateStyle: 'medium' })
}

export function formatTime(iso: string): string {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)} s`
  const m = s / 60
  if (m < 60) return `${m.toFixed(1)} min`
  return `${(m / 60).toFixed(1)} h`
}

/** https://wa.me/<digits>: opens a chat with the number in WhatsApp. */
export const waMeLink = (e164: string) => `https://wa.me/${e164.replace(/\D/g, '')}`

/** Counts with the reader's thousands separators: 2,000 rather than 2000. */
export const formatCount = (n: number) => n.toLocaleString()

/**
 * A date that belongs to the organization (its usage period, its limit), shown in the
 * organization's time zone and naming it, so a reader elsewhere does not see another day.
 */
export function formatOrgDate(iso: string | null | undefined, timeZone: string, withTime = false): string {
  if (!iso) return '—'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const options: Intl.DateTimeFormatOptions = withTime
    ? { dateStyle: 'medium', timeStyle: 'short' }
    : { dateStyle: 'medium' }
  try {
    return `${d.toLocaleString(undefined, { ...options, timeZone })} (${timeZone})`
  } catch {
    // A zone this browser does not know: the reader's own zone, said as such.
    return `${d.toLocaleString(undefined, options)} (your time)`
  }
}

/**
 * Phone numbers one way everywhere. The organization's own numbers read in their country's
 * national format, as its customers dial them; customers may write from any country, so theirs
 * keep the country code (international format). Links and values keep E.164.
 */
export function formatPhone(e164: string, style: 'national' | 'international' = 'national'): string {
  const withPlus = e164.startsWith('+') ? e164 : `+${e164}`
  const parsed = parsePhoneNumberFromString(withPlus)
  if (!parsed) return withPlus
  return style === 'national' ? parsed.formatNational() : parsed.formatInternational()
}

const SOURCE_LABELS: Record<string, string> = {
  ai: 'AI',
  agent: 'Agent',
  welcome: 'Welcome message',
  out_of_hours: 'Out-of-hours message',
  limit_notice: 'Monthly limit notice',
  broadcast: 'Broadcast',
}

/** Who or what wrote an outbound message, in words (the API's `source`). */
export const messageSourceLabel = (source: string) => SOURCE_LABELS[source] ?? source.replace(/_/g, ' ')

const STATUS_LABELS: Record<string, string> = {
  queued: 'Queued',
  accepted: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  received: 'Received',
  failed: 'Failed',
  undelivered: 'Not delivered',
}

/** A message's delivery status in words (the API's `status`). */
export const messageStatusLabel = (status: string) => STATUS_LABELS[status] ?? status
