import { eq } from 'drizzle-orm'
import { user } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'

/** The account as the API shows it. */
export async function accountView(ctx: ActorCtx) {
  const [u] = await ctx.db.select().from(user).where(eq(user.id, ctx.actor.userId))
  if (!u) throw new NotFound('Account')
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    emailVerified: u.emailVerified,
    phone: u.phone,
    isOperator: ctx.actor.isOperator,
    /** Where linked numbers write to, when this deployment has a shared number (else linking is unavailable). */
    sharedNumber: ctx.config.sharedNumber ?? null,
  }
}

export async function getAccount({ ctx }: { ctx: ActorCtx }) {
  return accountView(ctx)
}
