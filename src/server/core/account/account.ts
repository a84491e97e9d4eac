import { eq, sql } from 'drizzle-orm'
import { user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Conflict, NotFound } from '../errors.js'

const view = (u: typeof user.$inferSelect) => ({ id: u.id, email: u.email, name: u.name, phone: u.phone })

export async function getAccount({ ctx }: { ctx: ActorCtx }) {
  const [u] = await ctx.db.select().from(user).where(eq(user.id, ctx.actor.userId))
  if (!u) throw new NotFound('Account')
  return { ...view(u), isOperator: ctx.actor.isOperator }
}

/**
 * Links (or unlinks, with null) the WhatsApp number of the signed-in user: messages from it to the
 * platform's shared number are answered from their personal knowledge base.
 */
export async function linkPhone({ ctx, input }: { ctx: ActorCtx; input: { phone: string | null } }) {
  const taken = await ctx.db
    .update(user)
    .set({ phone: input.phone, updatedAt: sql`now()` })
    .where(eq(user.id, ctx.actor.userId))
    .returning()
    .catch((err: unknown) => {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code
      if (code === '23505') throw new Conflict('That WhatsApp number is already linked to another account')
      throw err
    })
  return { ...view(taken[0]), isOperator: ctx.actor.isOperator }
}
