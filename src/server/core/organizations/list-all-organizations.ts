import { and, desc, eq, ilike } from 'drizzle-orm'
import { organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Forbidden } from '../errors.js'
import { operatorOrganizationViews } from './operator-view.js'

/** Operator view: every business organization with its plan, newest first (optionally by name). */
export async function listAllOrganizations({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { search?: string; limit: number }
}) {
  if (!ctx.actor.isOperator)
    throw new Forbidden('Only platform operators (OPERATOR_EMAILS) can see every organization')
  const pattern = input.search ? `%${input.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : undefined
  const rows = await ctx.db
    .select()
    .from(organizations)
    .where(and(eq(organizations.kind, 'business'), pattern ? ilike(organizations.name, pattern) : undefined))
    .orderBy(desc(organizations.createdAt))
    .limit(input.limit)
  return operatorOrganizationViews(ctx.db, rows)
}
