import { and, eq } from 'drizzle-orm'
import { cannedReplies } from '../../db/schema/index.js'
import { recordAudit } from '../audit/record-audit.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { authorizeOrganization, isUuid } from '../members/permissions.js'

/** Deletes a canned reply (owners and admins). */
export async function deleteCannedReply({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; replyId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'inbox:manage')
  if (!isUuid(input.replyId)) throw new NotFound('Canned reply')
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .delete(cannedReplies)
      .where(and(eq(cannedReplies.id, input.replyId), eq(cannedReplies.organizationId, input.organizationId)))
      .returning({ id: cannedReplies.id, title: cannedReplies.title })
    if (!row) throw new NotFound('Canned reply')
    await recordAudit(
      ctx,
      {
        organizationId: input.organizationId,
        action: 'canned_reply.deleted',
        target: { type: 'canned_reply', id: row.id },
        details: { title: row.title },
      },
      tx,
    )
  })
}
