import { createHash } from 'node:crypto'
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import { queryRows } from '../../db/client.js'
import { contacts, conversations, messages } from '../../db/schema/index.js'
import { EmbeddingError, embedderFor, embedTexts } from '../../providers/ai/embed-texts.js'
import type { Ctx } from '../context.js'
import { BadRequest, NotFound } from '../errors.js'
import { usableTimeZone } from '../organizations/time-zones.js'
import { loadOrganization } from '../organizations/view.js'
import { groupByVectors, groupLexically } from './group-questions.js'

/** The most recent questions of the range that are grouped: grouping is O(n²) at worst (group-questions.ts). */
export const MAX_QUESTIONS = 2000
const DEFAULT_DAYS = 30
const MAX_DAYS = 366
const LABEL_CHARS = 300
/** Where a knowledge FAQ made from a group names the questions it answers (knowledge_sources.fields). */
export const FAQ_MESSAGE_IDS_FIELD = 'unansweredMessageIds'

export interface UnansweredRange {
  organizationId: string
  /** YYYY-MM-DD in the organization's time zone, both days included; default: the last 30 days. */
  from?: string
  to?: string
}

export interface UnansweredQuestion {
  messageId: string
  conversationId: string
  text: string
  at: string
}

export interface UnansweredGroup {
  id: string
  label: string
  count: number
  questions: UnansweredQuestion[]
  agentAnswer: string | null
}

const DAY = /^\d{4}-\d{2}-\d{2}$/
const isDay = (s: string) => DAY.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))
const dayOf = (date: Date, tz: string) => new Intl.DateTimeFormat('en-CA', { timeZone: tz }).format(date)

function rangeOf(input: UnansweredRange, tz: string, now: Date) {
  const problems = (['from', 'to'] as const).flatMap((k) => {
    const v = input[k]
    return v !== undefined && !isDay(v) ? [{ path: k, message: 'a date such as 2025-01-31' }] : []
  })
  if (problems.length > 0) throw new BadRequest('Invalid input', problems)
  const to = input.to ?? dayOf(now, tz)
  const from =
    input.from ??
    new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_DAYS - 1) * 86_400_000).toISOString().slice(0, 10)
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000
  if (days < 0) throw new BadRequest('Invalid input', [{ path: 'from', message: 'after to' }])
  if (days >= MAX_DAYS) throw new BadRequest('Invalid input', [{ path: 'from', message: 'at most 366 days' }])
  return { from, to }
}

/** Vectors of questions already embedded, by embedding model and message (a question's text never changes). */
const vectorCache = new Map<string, number[]>()
const MAX_CACHED_VECTORS = 20_000

async function vectorsOf(ctx: Ctx, questions: UnansweredQuestion[]): Promise<number[][] | null> {
  const embedder = embedderFor(ctx.config)
  if (!embedder) return null
  const key = (q: UnansweredQuestion) => `${embedder.label}:${q.messageId}`
  const missing = questions.filter((q) => !vectorCache.has(key(q)))
  try {
    const fresh =
      missing.length === 0
        ? []
        : await embedTexts(
            embedder,
            missing.map((q) => q.text.slice(0, 2000)),
          )
    missing.forEach((q, i) => {
      if (vectorCache.size >= MAX_CACHED_VECTORS)
        vectorCache.delete(vectorCache.keys().next().value as string)
      vectorCache.set(key(q), fresh[i] as number[])
    })
  } catch (err) {
    if (!(err instanceof EmbeddingError)) throw err
    // The list still helps grouped by words: better than failing the page.
    ctx.log.warn({ err: err.message }, 'embedding unanswered questions failed; grouping them by words')
    return null
  }
  const vectors = questions.map((q) => vectorCache.get(key(q)))
  return vectors.every((v) => v !== undefined) ? (vectors as number[][]) : null
}

/**
 * The customer questions the assistant could not answer (its answer said it did not know, had low
 * confidence, or handed the chat to a person: answer_scores), grouped by similarity, the largest
 * groups first. Questions an FAQ was already drafted from are left out. Simulated customers (the
 * dashboard's simulator) are not customers. No authorization: callers check it.
 */
export async function unansweredGroups(ctx: Ctx, input: UnansweredRange, now = new Date()) {
  const orgId = input.organizationId
  const org = await loadOrganization(ctx.db, orgId)
  if (!org) throw new NotFound('Organization')
  const tz = usableTimeZone(org.businessHours.timezone)
  const range = rangeOf(input, tz, now)
  const rows = await ctx.db
    .select({
      messageId: messages.id,
      conversationId: messages.conversationId,
      text: messages.body,
      at: messages.createdAt,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(
      and(
        eq(messages.organizationId, orgId),
        eq(messages.direction, 'inbound'),
        eq(contacts.simulated, false),
        sql`(${messages.createdAt} at time zone ${tz})::date between ${range.from}::date and ${range.to}::date`,
        sql`exists (select 1 from answer_scores s
          where s.question_message_id = ${messages.id} and s.organization_id = ${orgId}
            and (s.said_dont_know or s.low_confidence or s.escalated))`,
        sql`${messages.id} not in (
          select unnest(string_to_array(k.fields ->> ${FAQ_MESSAGE_IDS_FIELD}, ' '))
          from knowledge_sources k
          where k.organization_id = ${orgId} and k.kind = 'faq' and k.fields ->> ${FAQ_MESSAGE_IDS_FIELD} is not null)`,
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(MAX_QUESTIONS)
  // Oldest first: a group's first question leads it and names it, and stays as newer ones arrive.
  const questions: UnansweredQuestion[] = rows
    .filter((r) => r.text.trim() !== '')
    .reverse()
    .map((r) => ({
      messageId: r.messageId,
      conversationId: r.conversationId,
      text: r.text.trim(),
      at: r.at.toISOString(),
    }))

  const vectors = await vectorsOf(ctx, questions)
  const grouping: 'embedding' | 'lexical' = vectors ? 'embedding' : 'lexical'
  const indexes = vectors ? await groupByVectors(vectors) : await groupLexically(questions.map((q) => q.text))
  const answers = await agentAnswers(ctx, orgId, questions)

  const groups: UnansweredGroup[] = indexes.map((members) => {
    const list = members.map((i) => questions[i] as UnansweredQuestion)
    const leader = list[0] as UnansweredQuestion
    // The person's answer to the leading question, else to the earliest one a person answered.
    const answered = list.find((q) => answers.has(q.messageId))
    return {
      id: createHash('sha256').update(leader.messageId).digest('hex').slice(0, 24),
      label: leader.text.replace(/\s+/g, ' ').slice(0, LABEL_CHARS),
      count: list.length,
      questions: [...list].reverse(),
      agentAnswer: answered ? (answers.get(answered.messageId) ?? null) : null,
    }
  })
  groups.sort(
    (a, b) => b.count - a.count || (b.questions[0]?.at ?? '').localeCompare(a.questions[0]?.at ?? ''),
  )
  return { from: range.from, to: range.to, grouping, groups }
}

/** For each question a person answered: the first message an agent sent after it in its conversation. */
async function agentAnswers(ctx: Ctx, organizationId: string, questions: UnansweredQuestion[]) {
  const found = new Map<string, string>()
  if (questions.length === 0) return found
  const pairs = await queryRows<{ question_id: string; answer_id: string | null }>(
    ctx.db,
    sql`
    select q.id as question_id,
      (select a.id from messages a
        where a.conversation_id = q.conversation_id and a.organization_id = ${organizationId}
          and a.source = 'agent' and a.created_at > q.created_at
        order by a.created_at, a.id limit 1) as answer_id
    from messages q
    where q.organization_id = ${organizationId}
      and q.id in (select jsonb_array_elements_text(${JSON.stringify(questions.map((q) => q.messageId))}::jsonb))`,
  )
  const answerIds = [...new Set(pairs.flatMap((p) => (p.answer_id ? [p.answer_id] : [])))]
  const bodies = new Map<string, string>()
  for (let i = 0; i < answerIds.length; i += 500) {
    const rows = await ctx.db
      .select({ id: messages.id, body: messages.body })
      .from(messages)
      .where(
        and(eq(messages.organizationId, organizationId), inArray(messages.id, answerIds.slice(i, i + 500))),
      )
    for (const r of rows) bodies.set(r.id, r.body)
  }
  for (const p of pairs) {
    const body = p.answer_id ? bodies.get(p.answer_id)?.trim() : undefined
    if (body) found.set(p.question_id, body)
  }
  return found
}
