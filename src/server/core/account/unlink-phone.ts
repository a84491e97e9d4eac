import { eq, sql } from 'drizzle-orm'
import { user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { accountView } from './account.js'

/** Unlinks the account's WhatsApp number: messages from it get the platform's default assistant again. */
export async function unlinkPhone({ ctx }: { ctx: ActorCtx }) {
  await ctx.db.update(user).set({ phone: null, updatedAt: sql`now()` }).where(eq(user.id, ctx.actor.userId))
  return accountView(ctx)
}
