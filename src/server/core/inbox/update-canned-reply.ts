import { and, eq, sql } from 'drizzle-orm'
import { cannedReplies } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'
import { cannedReplyView } from './canned-reply-view.js'
import type { CannedReplyPatch } from './schemas.js'

/** Changes a canned reply's title and/or body (owners and admins). */
export async function updateCannedReply({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; replyId: string } & CannedReplyPatch
}) {
  await authorizeOrganization(ctx, input.organizationId, 'inbox:manage')
  if (!isUuid(input.replyId)) throw new NotFound('Canned reply')
  const title = input.title?.trim()
  const body = input.body?.trim()
  if (title === '' || body === '') {
    throw new BadRequest('Invalid input', [
      { path: title === '' ? 'title' : 'body', message: 'must not be empty' },
    ])
  }
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .update(cannedReplies)
      .set({
        ...(title !== undefined && { title }),
        ...(body !== undefined && { body }),
        updatedAt: sql`now()`,
      })
      .where(and(eq(cannedReplies.id, input.replyId), eq(cannedReplies.organizationId, input.organizationId)))
      .returning()
    if (!row) throw new NotFound('Canned reply')
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'canned_reply.updated',
        target: { type: 'canned_reply', id: row.id },
        details: {
          fields: [...(title !== undefined ? ['title'] : []), ...(body !== undefined ? ['body'] : [])],
        },
      },
      tx,
    )
    return cannedReplyView(row)
  })
}
