import { and, eq } from 'drizzle-orm'
import { knowledgeSources } from '../../db/schema/index.js'
import { assertKnowledgeRoom } from '../billing/knowledge-allowance.js'
import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { BadRequest, Conflict, NotFound } from '../errors.js'
import { authorizeKnowledgeBase } from './knowledge-base.js'
import type { UpdateSourceInput } from './schemas.js'
import { sourceColumns, sourceView } from './view.js'

/** Edits an FAQ, a text or a file's title/extracted text. The profile changes through saveProfile. */
export async function updateSource({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: UpdateSourceInput & { organizationId: string; sourceId: string }
}) {
  await authorizeKnowledgeBase(ctx, input.organizationId, 'knowledge:write')
  const db = dbOf(ctx)
  const where = and(
    eq(knowledgeSources.id, input.sourceId),
    eq(knowledgeSources.organizationId, input.organizationId),
  )
  const [current] = await db.select(sourceColumns).from(knowledgeSources).where(where).limit(1)
  if (!current) throw new NotFound('Source')
  if (current.status !== 'ready' && input.content !== undefined) {
    throw new Conflict(
      current.status === 'processing'
        ? 'This file is still being read: edit its text once it is ready'
        : 'This file could not be read: delete it and upload a file that can be',
      [{ path: 'content', message: `the file is ${current.status}` }],
    )
  }
  if (current.kind === 'profile') {
    throw new BadRequest('The profile is edited with PUT /knowledge/profile', [
      { path: 'sourceId', message: 'is the business profile' },
    ])
  }
  if (input.question !== undefined && current.kind !== 'faq') {
    throw new BadRequest('Invalid input', [
      { path: 'question', message: `a ${current.kind} source has no question` },
    ])
  }
  const changes: Partial<typeof knowledgeSources.$inferInsert> = { updatedAt: new Date() }
  if (input.content !== undefined) changes.content = input.content
  if (input.question !== undefined) {
    changes.question = input.question
    // An FAQ's title is its question.
    changes.title = input.question
  }
  if (input.title !== undefined && current.kind !== 'faq') changes.title = input.title
  const [row] = await db.transaction(async (tx) => {
    // New text within the plan's characters (402 PLAN_REQUIRED); this source's old text is replaced.
    if (input.content !== undefined)
      await assertKnowledgeRoom(tx, input.organizationId, {
        chars: input.content.length,
        replacingSourceId: input.sourceId,
      })
    return tx.update(knowledgeSources).set(changes).where(where).returning(sourceColumns)
  })
  if (!row) throw new NotFound('Source')
  return sourceView(row)
}
