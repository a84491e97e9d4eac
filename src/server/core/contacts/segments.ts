import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { broadcasts, segments } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import type { ContactFilter } from './contact-filter.js'
import { loadSegment, segmentView } from './segment-view.js'

// Saved filters. Each action authorizes first; a segment of another organization is a 404.

const nameTaken = (name: string) => new Conflict(`There is already a segment named "${name}"`)

export async function listSegments({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:read')
  const rows = await ctx.db
    .select()
    .from(segments)
    .where(eq(segments.organizationId, input.organizationId))
    .orderBy(asc(segments.name))
  return Promise.all(rows.map((s) => segmentView(ctx.db, s)))
}

export async function getSegment({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; segmentId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:read')
  return segmentView(ctx.db, await loadSegment(ctx.db, input.organizationId, input.segmentId))
}

export async function createSegment({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; name: string; filter: ContactFilter }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  const rows = await ctx.db
    .insert(segments)
    .values({ organizationId: input.organizationId, name: input.name, filter: input.filter })
    .onConflictDoNothing()
    .returning()
  if (rows.length === 0) throw nameTaken(input.name)
  return segmentView(ctx.db, oneRow(rows, 'segment'))
}

export async function updateSegment({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; segmentId: string; name?: string; filter?: ContactFilter }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  const segment = await loadSegment(ctx.db, input.organizationId, input.segmentId)
  if (input.name !== undefined && input.name !== segment.name) {
    const [other] = await ctx.db
      .select({ id: segments.id })
      .from(segments)
      .where(and(eq(segments.organizationId, input.organizationId), eq(segments.name, input.name)))
    if (other) throw nameTaken(input.name)
  }
  const rows = await ctx.db
    .update(segments)
    .set({
      ...(input.name !== undefined && { name: input.name }),
      ...(input.filter !== undefined && { filter: input.filter }),
      updatedAt: sql`now()`,
    })
    .where(and(eq(segments.organizationId, input.organizationId), eq(segments.id, segment.id)))
    .returning()
  return segmentView(ctx.db, oneRow(rows, 'segment'))
}

/** Deletes a segment, unless a broadcast that has not started yet is to be sent to it (409). */
export async function deleteSegment({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; segmentId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'contacts:write')
  const segment = await loadSegment(ctx.db, input.organizationId, input.segmentId)
  const [waiting] = await ctx.db
    .select({ id: broadcasts.id, name: broadcasts.name })
    .from(broadcasts)
    .where(
      and(
        eq(broadcasts.organizationId, input.organizationId),
        inArray(broadcasts.status, ['scheduled', 'sending']),
        sql`${broadcasts.audience} ->> 'kind' = 'segment'`,
        sql`${broadcasts.audience} ->> 'segmentId' = ${segment.id}`,
      ),
    )
    .limit(1)
  if (waiting)
    throw new Conflict(`The broadcast "${waiting.name}" is to be sent to this segment`, {
      broadcastId: waiting.id,
    })
  await ctx.db
    .delete(segments)
    .where(and(eq(segments.organizationId, input.organizationId), eq(segments.id, segment.id)))
}
