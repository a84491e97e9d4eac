import { and, eq, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { knowledgeSources, organizations } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { BadRequest, NotFound } from '../errors.js'
import { authorizeKnowledgeBase, personalKnowledgeBase } from './knowledge-base.js'
import { upsertProfile } from './save-profile.js'
import { faqKey, TRAIN_PROFILE_FIELDS, type TrainInput } from './schemas.js'
import { trainingView } from './view.js'

/**
 * Stores the knowledge given with the request (if any), then marks the knowledge base as training
 * and enqueues the job that builds its next generation of chunks. Without an organization id,
 * the actor's personal knowledge base. A knowledge base with nothing to learn from is refused
 * with a 400 and nothing changes: reporting it "trained" would be a lie the owner finds out from
 * a customer.
 */
export async function startTraining({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId?: string; knowledge?: TrainInput }
}) {
  const organizationId = input.organizationId ?? (await personalKnowledgeBase({ ctx })).id
  if (input.organizationId) await authorizeKnowledgeBase(ctx, organizationId, 'knowledge:write')
  const { org, saved } = await ctx.db.transaction(async (tx) => {
    // The organization's row is the lock: trainings and training requests of one knowledge base
    // take their turn (two requests with the same new FAQ store it once).
    const [locked] = await tx
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.id, organizationId))
      .for('update')
    if (!locked) throw new NotFound('Organization')
    const saved = input.knowledge ? await storeKnowledge(tx, organizationId, input.knowledge) : undefined
    await assertSomethingToTrain(tx, organizationId)
    const [row] = await tx
      .update(organizations)
      .set({ trainingStatus: 'training', trainingProgress: 0, trainingError: null })
      .where(eq(organizations.id, organizationId))
      .returning()
    if (!row) throw new NotFound('Organization')
    await ctx.jobs.send('knowledge.train', { organizationId }, { tx })
    return { org: row, saved }
  })
  ctx.jobs.wake('knowledge.train')
  return { organizationId, training: trainingView(org), ...(saved && { saved }) }
}

/** Refuses to train a knowledge base that has no profile text, FAQ, text or readable file. */
async function assertSomethingToTrain(tx: Tx, organizationId: string) {
  const [counts] = await tx
    .select({
      usable:
        sql<number>`count(*) filter (where ${knowledgeSources.status} = 'ready' and btrim(${knowledgeSources.content}) <> '')`.mapWith(
          Number,
        ),
      processing: sql<number>`count(*) filter (where ${knowledgeSources.status} = 'processing')`.mapWith(
        Number,
      ),
    })
    .from(knowledgeSources)
    .where(eq(knowledgeSources.organizationId, organizationId))
  if ((counts?.usable ?? 0) > 0) return
  const processing = counts?.processing ?? 0
  const message =
    processing > 0
      ? 'Nothing to train yet: your files are still being read. Train again once they show as ready, or add a business profile or an FAQ.'
      : 'Nothing to train: add a business profile, an FAQ, a text or a document first, then train.'
  throw new BadRequest(message, [
    { path: '', message, reason: 'NOTHING_TO_TRAIN', processingFiles: processing },
  ])
}

/** Stores the request's profile fields (merged into the profile) and FAQs (replaced by question, else added). */
async function storeKnowledge(tx: Tx, organizationId: string, knowledge: TrainInput) {
  const given = TRAIN_PROFILE_FIELDS.flatMap(([name, field]) => {
    const value = knowledge[name]
    return value === undefined ? [] : [{ field, value }]
  })
  let profile = false
  if (given.length > 0) {
    const [current] = await tx
      .select({ fields: knowledgeSources.fields })
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.organizationId, organizationId), eq(knowledgeSources.kind, 'profile')))
      .limit(1)
    const fields: Record<string, string> = { ...(current?.fields ?? {}) }
    for (const { field, value } of given) {
      if (value === '') delete fields[field]
      else fields[field] = value
    }
    await upsertProfile(tx, organizationId, fields)
    profile = true
  }
  let faqsAdded = 0
  let faqsReplaced = 0
  if (knowledge.faqs && knowledge.faqs.length > 0) {
    const stored = await tx
      .select({ id: knowledgeSources.id, question: knowledgeSources.question })
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.organizationId, organizationId), eq(knowledgeSources.kind, 'faq')))
    const byQuestion = new Map(stored.map((s) => [faqKey(s.question ?? ''), s.id]))
    const added: (typeof knowledgeSources.$inferInsert)[] = []
    // Sources are listed by creation time: FAQs sent together get one millisecond each, in the
    // request's order, instead of one shared time that would list them in random (id) order.
    const now = Date.now()
    for (const faq of knowledge.faqs) {
      const id = byQuestion.get(faqKey(faq.question))
      if (id) {
        await tx
          .update(knowledgeSources)
          .set({ title: faq.question, question: faq.question, content: faq.answer, updatedAt: new Date() })
          .where(and(eq(knowledgeSources.id, id), eq(knowledgeSources.organizationId, organizationId)))
        faqsReplaced++
      } else {
        added.push({
          organizationId,
          kind: 'faq',
          title: faq.question,
          question: faq.question,
          content: faq.answer,
          createdAt: new Date(now + added.length),
        })
      }
    }
    if (added.length > 0) await tx.insert(knowledgeSources).values(added)
    faqsAdded = added.length
  }
  return { profile, faqsAdded, faqsReplaced }
}
