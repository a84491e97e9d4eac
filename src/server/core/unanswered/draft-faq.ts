import { and, eq } from 'drizzle-orm'
import { knowledgeSources } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { NotFound } from '../errors.js'
import { createSource } from '../knowledge/create-source.js'
import { FAQ_ANSWER_PLACEHOLDER } from '../knowledge/draft-answer.js'
import { authorizeOrganization } from '../members/permissions.js'
import { FAQ_MESSAGE_IDS_FIELD, type UnansweredRange, unansweredGroups } from './list-unanswered.js'

/**
 * Turns a group of unanswered questions into an FAQ draft of the knowledge (the knowledge's own
 * create action, within the plan's allowance): the group's leading question, and the answer a
 * person gave in the chat when one did. The FAQ names the questions it was made from
 * (knowledge_sources.fields, unused by FAQs otherwise), which leaves them out of the unanswered
 * list from then on — and brings them back if the FAQ is deleted. The group is found again in the
 * same date range the list showed.
 */
export async function draftFaq({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: UnansweredRange & { groupId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'knowledge:write')
  const { groups } = await unansweredGroups(ctx, input)
  const group = groups.find((g) => g.id === input.groupId)
  if (!group) throw new NotFound('Question group')
  return ctx.db.transaction(async (tx) => {
    const source = await createSource({
      ctx: { ...ctx, tx },
      input: {
        organizationId: input.organizationId,
        kind: 'faq',
        question: group.label.slice(0, 1000),
        content: group.agentAnswer?.slice(0, 200_000) || FAQ_ANSWER_PLACEHOLDER,
      },
    })
    const fields = { [FAQ_MESSAGE_IDS_FIELD]: group.questions.map((q) => q.messageId).join(' ') }
    await tx
      .update(knowledgeSources)
      .set({ fields })
      .where(
        and(eq(knowledgeSources.id, source.id), eq(knowledgeSources.organizationId, input.organizationId)),
      )
    return { ...source, fields }
  })
}

export { FAQ_ANSWER_PLACEHOLDER }
