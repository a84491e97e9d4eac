import { z } from 'zod'

const isoInstant = (field: string) =>
  z
    .string()
    .max(40)
    .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), {
      message: `${field} must be an ISO date (2026-01-31) or date-time (2026-01-31T12:00:00Z)`,
    })

/**
 * What an export covers. `from` is inclusive; `to` is exclusive for a date-time and covers the
 * whole day for a date (`to=2026-01-31` includes the 31st). Messages and conversations are cut by
 * the messages' times, contacts by when they were first seen, usage by month. `contactId` and
 * `tag` narrow messages, conversations and contacts; usage has no contact and ignores them.
 */
export const ExportFiltersSchema = z
  .object({
    from: isoInstant('from').optional(),
    to: isoInstant('to').optional(),
    contactId: z.string().min(1).max(100).optional(),
    tag: z.string().min(1).max(100).optional(),
  })
  .strict()

export type ExportFilters = z.infer<typeof ExportFiltersSchema>

/** The filters as instants: a bare date `to` is the start of the next day (exclusive). */
export interface ResolvedFilters {
  from?: Date
  to?: Date
  contactId?: string
  tag?: string
}

export function resolveFilters(filters: ExportFilters): ResolvedFilters {
  const dateOnly = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s)
  const to = filters.to === undefined ? undefined : new Date(filters.to)
  if (to && filters.to && dateOnly(filters.to)) to.setUTCDate(to.getUTCDate() + 1)
  return {
    from: filters.from === undefined ? undefined : new Date(filters.from),
    to,
    contactId: filters.contactId,
    tag: filters.tag,
  }
}

/** The filters as stored on an export row (only those given). */
export function storedFilters(filters: ExportFilters): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(filters)) if (typeof v === 'string') out[k] = v
  return out
}
