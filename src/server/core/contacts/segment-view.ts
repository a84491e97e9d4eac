import { and, eq } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { segments } from '../../db/schema/index.js'
import { NotFound } from '../errors.js'
import { isUuid } from '../members/permissions.js'
import { countMatching } from './count-contacts.js'

type SegmentRow = typeof segments.$inferSelect

/** A segment with the number of contacts it means now (resolved at read time, never stored). */
export async function segmentView(db: Tx, s: SegmentRow) {
  const { total } = await countMatching(db, s.organizationId, s.filter)
  return {
    id: s.id,
    name: s.name,
    filter: s.filter,
    contactCount: total,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  }
}

export async function loadSegment(db: Tx, organizationId: string, segmentId: string) {
  if (!isUuid(segmentId)) throw new NotFound('Segment')
  const [row] = await db
    .select()
    .from(segments)
    .where(and(eq(segments.organizationId, organizationId), eq(segments.id, segmentId)))
  if (!row) throw new NotFound('Segment')
  return row
}
