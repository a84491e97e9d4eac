import { asc, eq } from 'drizzle-orm'
import { cannedReplies } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { cannedReplyView } from './canned-reply-view.js'

/** The organization's canned replies by title (every member: agents insert them into replies). */
export async function listCannedReplies({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:read')
  const rows = await ctx.db
    .select()
    .from(cannedReplies)
    .where(eq(cannedReplies.organizationId, input.organizationId))
    .orderBy(asc(cannedReplies.title), asc(cannedReplies.id))
    .limit(1000)
  return rows.map(cannedReplyView)
}
