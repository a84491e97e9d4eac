import { oneRow } from '../../db/client.js'
import { knowledgeSources } from '../../db/schema/index.js'
import { assertKnowledgeRoom } from '../billing/knowledge-allowance.js'
import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { authorizeKnowledgeBase } from './knowledge-base.js'
import type { CreateSourceInput } from './schemas.js'
import { sourceView } from './view.js'

/** Adds an FAQ pair or a free text. */
export async function createSource({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: CreateSourceInput & { organizationId: string }
}) {
  await authorizeKnowledgeBase(ctx, input.organizationId, 'knowledge:write')
  const values =
    input.kind === 'faq'
      ? { kind: 'faq' as const, title: input.question, question: input.question, content: input.content }
      : { kind: 'text' as const, title: input.title, question: null, content: input.content }
  const row = await dbOf(ctx).transaction(async (tx) => {
    // Within the plan's knowledge allowance (402 PLAN_REQUIRED), checked under the organization's lock.
    await assertKnowledgeRoom(tx, input.organizationId, { newSource: true, chars: values.content.length })
    return oneRow(
      await tx
        .insert(knowledgeSources)
        .values({ ...values, organizationId: input.organizationId })
        .returning(),
      'knowledge source',
    )
  })
  return sourceView(row)
}
