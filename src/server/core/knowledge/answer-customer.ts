import { and, eq } from 'drizzle-orm'
import { knowledgeSources } from '../../db/schema/index.js'
import { generateReply } from '../../providers/ai/generate-reply.js'
import { chooseModel, languageModelFor } from '../../providers/ai/models.js'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound } from '../errors.js'
import { buildPrompt } from './build-prompt.js'
import { builtinAnswer } from './builtin-responder.js'
import {
  acceptsOffer,
  detectLanguage,
  HANDOFF_MARKER,
  HANDOFF_TEXTS,
  humanRequestLanguage,
  replyLanguageOf,
} from './escalation.js'
import { loadKnowledgeOwner } from './knowledge-base.js'
import { languageName } from './language.js'
import { type RetrievedPassage, retrievePassages } from './retrieve-passages.js'
import { profileText } from './save-profile.js'

// CONTRACT between the inbound pipeline (caller) and the knowledge/AI area (implementer).
// The signature and the CustomerAnswer shape are fixed; the body is the knowledge issue's.

export interface ConversationTurn {
  role: 'customer' | 'assistant'
  text: string
}

export interface UsedPassage {
  sourceId: string
  title: string
  content: string
  score: number
}

export interface CustomerAnswer {
  /** What to send to the customer. */
  text: string
  /**
   * The customer asked for a person, or the assistant cannot help: the caller hands the
   * conversation to a human (status `human`, team notified) after sending `text`, which tells the
   * customer someone will answer.
   */
  escalate: boolean
  passages: UsedPassage[]
  /** e.g. `builtin` or `deepseek:deepseek-chat`. */
  model: string
  tokensIn: number | null
  tokensOut: number | null
  latencyMs: number
}

const PASSAGES_IN_PROMPT = 4

const used = (p: RetrievedPassage): UsedPassage => ({
  sourceId: p.sourceId,
  title: p.title,
  content: p.content,
  score: p.score,
})

/**
 * Answers one customer message from the organization's own knowledge, the recent conversation
 * and its AI settings. Throws ProviderFailed (retryable) when the model provider fails.
 */
export async function answerCustomer({
  ctx,
  input,
}: {
  ctx: Ctx
  input: {
    organizationId: string
    message: string
    /** Oldest first, without the current message. */
    history: ConversationTurn[]
    customerName?: string
  }
}): Promise<CustomerAnswer> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const org = await loadKnowledgeOwner(ctx, input.organizationId)
  if (!org) throw new NotFound('Organization')
  const language = detectLanguage(input.message) ?? replyLanguageOf(org.ai.language)

  // A request for a person needs no model: hand over at once, in the language it was asked in.
  const lastAssistant = [...input.history].reverse().find((t) => t.role === 'assistant')?.text
  const asked = humanRequestLanguage(input.message)
  if (asked || acceptsOffer(input.message, lastAssistant)) {
    return {
      text: HANDOFF_TEXTS[asked ?? language],
      escalate: true,
      passages: [],
      model: 'builtin',
      tokensIn: null,
      tokensOut: null,
      latencyMs: elapsed(),
    }
  }

  // A short follow-up ("and on sundays?") is searched together with the customer's previous message.
  const lastCustomer = [...input.history].reverse().find((t) => t.role === 'customer')?.text
  const shortFollowUp = input.message.trim().split(/\s+/).length <= 4 && lastCustomer
  const passages = await retrievePassages(ctx, {
    organizationId: org.id,
    generation: org.knowledgeGeneration,
    message: shortFollowUp ? `${input.message} ${lastCustomer}` : input.message,
    limit: PASSAGES_IN_PROMPT,
  })

  const choice = chooseModel(ctx.config, org.ai)
  if (choice.provider === 'builtin') {
    const answer = builtinAnswer({ message: input.message, passages, language })
    return {
      text: answer.text,
      escalate: false,
      passages: answer.used.map(used),
      model: choice.label,
      tokensIn: null,
      tokensOut: null,
      latencyMs: elapsed(),
    }
  }

  const [profile] = await dbOf(ctx)
    .select({ fields: knowledgeSources.fields })
    .from(knowledgeSources)
    .where(and(eq(knowledgeSources.organizationId, org.id), eq(knowledgeSources.kind, 'profile')))
    .limit(1)
  const prompt = buildPrompt({
    organization: { name: org.name, description: org.description, industry: org.industry },
    ai: org.ai,
    languageName: languageName(org.ai.language),
    businessFacts: profileText(profile?.fields ?? {}),
    passages,
    history: input.history,
    message: input.message,
    customerName: input.customerName,
  })
  const reply = await generateReply({
    model: languageModelFor(ctx.config, choice),
    system: prompt.system,
    messages: prompt.messages,
  })
  const handoff = reply.text.includes(HANDOFF_MARKER)
  const text = reply.text.split(HANDOFF_MARKER).join('').trim()
  return {
    text: text || HANDOFF_TEXTS[language],
    escalate: handoff || !text,
    passages: passages.map(used),
    model: choice.label,
    tokensIn: reply.tokensIn,
    tokensOut: reply.tokensOut,
    latencyMs: elapsed(),
  }
}
