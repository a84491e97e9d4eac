import { and, desc, eq, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import { contacts, conversations, messages, organizations } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { SESSION_WINDOW_MS } from '../inbound/send-outbound.js'
import { chooseReplyLanguage } from '../knowledge/detect-language.js'
import { type ReplyLanguage, replyLanguageOf } from '../knowledge/escalation.js'
import { qualitySettingsOf } from './settings.js'

/** The rating question, in the languages the assistant answers in. */
export const RATING_QUESTIONS: Record<ReplyLanguage, string> = {
  en: 'How would you rate this conversation from 1 to 5? Just reply with a number.',
  fr: 'Comment évalueriez-vous cette conversation de 1 à 5 ? Répondez simplement par un chiffre.',
  es: '¿Cómo calificaría esta conversación del 1 al 5? Responda solo con un número.',
  pt: 'Como avalia esta conversa de 1 a 5? Responda apenas com um número.',
  de: 'Wie bewerten Sie dieses Gespräch von 1 bis 5? Antworten Sie einfach mit einer Zahl.',
  it: 'Come valuterebbe questa conversazione da 1 a 5? Risponda solo con un numero.',
  sw: 'Ungekadiriaje mazungumzo haya kutoka 1 hadi 5? Jibu kwa namba tu.',
  rw: 'Iki kiganiro wagiha amanota angahe kuva kuri 1 kugeza kuri 5? Subiza umubare gusa.',
}

/** A customer is asked again at most this often (one conversation per customer, for good). */
export const RATING_REASK_DAYS = 30
/** The question must still reach the customer: the 24-hour window must stay open a little longer. */
const WINDOW_MARGIN_MS = 5 * 60 * 1000

/**
 * Asks the customer for a 1–5 rating once the conversation has gone quiet: no message since the
 * delay, the assistant (not a person) holding it, a real customer who has not opted out, inside
 * WhatsApp's 24-hour window, an AI answer since the last question, and not asked in the last
 * RATING_REASK_DAYS. One outbound message (source `rating_request`), never counted against the
 * month. Every AI answer schedules this; all but the last find a later message and do nothing.
 */
export async function askRating({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { organizationId: string; conversationId: string }
}): Promise<void> {
  const [found] = await ctx.db
    .select({ conversation: conversations, contact: contacts, ai: organizations.ai })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .innerJoin(organizations, eq(organizations.id, conversations.organizationId))
    .where(
      and(eq(conversations.id, input.conversationId), eq(conversations.organizationId, input.organizationId)),
    )
  if (!found) return
  const { conversation, contact } = found
  const settings = qualitySettingsOf(found.ai)
  if (!settings.askRating || contact.simulated || contact.optedOut || conversation.status === 'human') return
  const now = Date.now()
  const lastInbound = conversation.lastInboundAt?.getTime() ?? 0
  if (now - lastInbound > SESSION_WINDOW_MS - WINDOW_MARGIN_MS) return

  const message = await ctx.db.transaction(async (tx) => {
    // Claimed in the statement that checks quiet and "not asked yet": two jobs never both ask.
    const [claimed] = await queryRows<{ id: string }>(
      tx,
      sql`
      update conversations c set rating_asked_at = now()
      where c.id = ${conversation.id} and c.organization_id = ${input.organizationId}
        and c.status = 'ai'
        and (c.rating_asked_at is null or c.rating_asked_at < now() - ${RATING_REASK_DAYS} * interval '1 day')
        and not exists (select 1 from messages m where m.conversation_id = c.id
          and m.created_at > now() - ${settings.ratingDelayMinutes} * interval '1 minute')
        and exists (select 1 from messages m where m.conversation_id = c.id and m.source = 'ai'
          and m.status not in ('failed', 'undelivered')
          and (c.rating_asked_at is null or m.created_at > c.rating_asked_at))
      returning c.id`,
    )
    if (!claimed) return null
    const customer = await tx
      .select({ body: messages.body })
      .from(messages)
      .where(and(eq(messages.conversationId, conversation.id), eq(messages.direction, 'inbound')))
      .orderBy(desc(messages.createdAt))
      .limit(5)
    const [last, ...earlier] = customer.map((m) => m.body)
    const language = replyLanguageOf(chooseReplyLanguage(found.ai, last ?? '', earlier).code)
    const [row] = await tx
      .insert(messages)
      .values({
        organizationId: input.organizationId,
        conversationId: conversation.id,
        direction: 'outbound',
        body: RATING_QUESTIONS[language],
        status: 'queued',
        source: 'rating_request',
      })
      .returning({ id: messages.id })
    if (row) await ctx.jobs.send('messages.send', { messageId: row.id }, { tx })
    return row ?? null
  })
  if (message) {
    ctx.jobs.wake('messages.send')
    ctx.log.info({ conversationId: conversation.id }, 'customer asked to rate the conversation')
  }
}
