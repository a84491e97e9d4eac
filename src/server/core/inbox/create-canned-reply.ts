import { count, eq } from 'drizzle-orm'
import { cannedReplies } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, Conflict } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { cannedReplyView } from './canned-reply-view.js'
import type { CannedReplyInput } from './schemas.js'

/** The most an organization keeps (the list is read whole by the reply box). */
export const MAX_CANNED_REPLIES = 500

/** A canned reply the whole team can use (owners and admins). */
export async function createCannedReply({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string } & CannedReplyInput
}) {
  await authorizeOrganization(ctx, input.organizationId, 'inbox:manage')
  const title = input.title.trim()
  const body = input.body.trim()
  if (!title || !body) {
    throw new BadRequest('Invalid input', [{ path: title ? 'body' : 'title', message: 'must not be empty' }])
  }
  return ctx.db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ n: count() })
      .from(cannedReplies)
      .where(eq(cannedReplies.organizationId, input.organizationId))
    if ((existing?.n ?? 0) >= MAX_CANNED_REPLIES) {
      throw new Conflict(`An organization keeps at most ${MAX_CANNED_REPLIES} canned replies`, {
        reason: 'TOO_MANY',
      })
    }
    const [row] = await tx
      .insert(cannedReplies)
      .values({
        organizationId: input.organizationId,
        title,
        body,
        createdByUserId: ctx.actor.userId || null,
      })
      .returning()
    if (!row) throw new Error('insert returned no canned reply')
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'canned_reply.created',
        target: { type: 'canned_reply', id: row.id },
        details: { title },
      },
      tx,
    )
    return cannedReplyView(row)
  })
}
