import { and, eq } from 'drizzle-orm'
import type { VariantSettings } from '../../db/schema/index.js'
import { knowledgeSources } from '../../db/schema/index.js'
import { generateReply, ModelProviderError } from '../../providers/ai/generate-reply.js'
import { chooseModel, languageModelFor } from '../../providers/ai/models.js'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { NotFound, ProviderFailed } from '../errors.js'
import { withVariant } from '../experiments/apply-variant.js'
import { buildPrompt } from './build-prompt.js'
import { builtinReply, rankForResponder } from './builtin-responder.js'
import { chooseReplyLanguage, languageInstruction } from './detect-language.js'
import {
  acceptsOffer,
  HANDOFF_MARKER,
  HANDOFF_TEXTS,
  humanRequestLanguage,
  replyLanguageOf,
} from './escalation.js'
import { hybridRetrieve } from './hybrid-retrieve.js'
import { readQuestion, synonymsOf } from './intents.js'
import { loadKnowledgeOwner } from './knowledge-base.js'
import { languageName } from './language.js'
import {
  queryWords,
  type RetrievedPassage,
  retrievePassages,
  searchForResponder,
} from './retrieve-passages.js'
import { profileText } from './save-profile.js'
import { wholeKnowledge } from './whole-knowledge.js'

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
  /** With `escalate`: the customer asked for a person, or the assistant could not help. */
  escalation?: 'customer_asked' | 'assistant_unable'
  passages: UsedPassage[]
  /** e.g. `builtin` or `deepseek:deepseek-chat`. */
  model: string
  tokensIn: number | null
  tokensOut: number | null
  latencyMs: number
}

const PASSAGES_IN_PROMPT = 4
/** Marks the built-in responder's intent words ("hours", "price"), which only break ties. */
const INTENT_WORD_WEIGHT = 0.5

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
    /** A running experiment's variant of the assistant for this customer (tone, instructions, model). */
    variant?: VariantSettings
  }
}): Promise<CustomerAnswer> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const owner = await loadKnowledgeOwner(ctx, input.organizationId)
  if (!owner) throw new NotFound('Organization')
  // A running experiment's variant answers with its tone, instructions and model (experiments/).
  const org = {
    ...owner,
    ai: withVariant(ctx.config, owner.ai, input.variant, (message) =>
      ctx.log.warn({ organizationId: owner.id }, message),
    ),
  }
  // The customer's language where the organization answers in it, else its default.
  const replyLanguage = chooseReplyLanguage(
    org.ai,
    input.message,
    input.history.filter((t) => t.role === 'customer').map((t) => t.text),
  )
  const language = replyLanguageOf(replyLanguage.code)

  // A request for a person needs no model: hand over at once, in the language it was asked in.
  const lastAssistant = [...input.history].reverse().find((t) => t.role === 'assistant')?.text
  const asked = humanRequestLanguage(input.message)
  if (asked || acceptsOffer(input.message, lastAssistant)) {
    return {
      text: HANDOFF_TEXTS[asked && replyLanguage.reason === 'follow' ? asked : language],
      escalate: true,
      escalation: 'customer_asked',
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
  const searched = shortFollowUp ? `${input.message} ${lastCustomer}` : input.message

  const choice = chooseModel(ctx.config, org.ai)
  if (choice.provider === 'builtin') {
    // The built-in responder quotes one passage: it ranks its own candidates by what the
    // question asks for (intent words kept apart, everyday synonyms added).
    const question = readQuestion(searched)
    const words = [
      ...queryWords(question.content).map((word) => ({ word, synonyms: synonymsOf(word) })),
      ...queryWords(question.intentWords).map((word) => ({ word, synonyms: '', weight: INTENT_WORD_WEIGHT })),
    ]
    const search = await searchForResponder(ctx, {
      organizationId: org.id,
      generation: org.knowledgeGeneration,
      words,
    })
    const ranked = rankForResponder({ ...search, intents: question.intents })
    const answer = builtinReply({
      searchText: words.map((w) => `${w.word} ${w.synonyms}`).join(' '),
      ranked,
      intents: question.intents,
      language,
    })
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
  // A small knowledge base goes to the model whole: retrieval could only lose facts. The passages
  // retrieved for it are still the ones reported as used.
  const whole = await wholeKnowledge(ctx, {
    organizationId: org.id,
    generation: org.knowledgeGeneration,
    budgetTokens: ctx.config.ai.wholeKnowledgeTokens,
  })
  const model = languageModelFor(ctx.config, choice)
  const retrieval = {
    organizationId: org.id,
    generation: org.knowledgeGeneration,
    message: searched,
    limit: PASSAGES_IN_PROMPT,
  }
  // A larger one is searched: full text plus vectors when the generation has them, with one
  // rewrite of a weak search by the chat model, in the knowledge base's language (its words are
  // what the search can find, whatever language the customer writes in).
  const passages = whole
    ? await retrievePassages(ctx, retrieval)
    : await hybridRetrieve(ctx, {
        ...retrieval,
        rewrite: { model, languageName: languageName(org.ai.language) },
      })
  const prompt = buildPrompt({
    organization: { name: org.name, description: org.description, industry: org.industry },
    ai: org.ai,
    languageName: languageName(org.ai.language),
    languageRule: languageInstruction(replyLanguage, languageName(org.ai.language)),
    businessFacts: profileText(profile?.fields ?? {}),
    passages,
    wholeKnowledge: whole?.sections,
    history: input.history,
    message: input.message,
    customerName: input.customerName,
  })
  const reply = await generateReply({
    model,
    system: prompt.system,
    messages: prompt.messages,
  }).catch((err: unknown) => {
    // Retryable for the inbound worker, a 502 for the dashboard's test question.
    if (!(err instanceof ModelProviderError)) throw err
    const details = err.statusCode === undefined ? undefined : { statusCode: err.statusCode }
    throw new ProviderFailed(err.message, err.retryAfter, details)
  })
  const handoff = reply.text.includes(HANDOFF_MARKER)
  const text = reply.text.split(HANDOFF_MARKER).join('').trim()
  return {
    text: text || HANDOFF_TEXTS[language],
    escalate: handoff || !text,
    ...(handoff || !text ? { escalation: 'assistant_unable' as const } : {}),
    passages: passages.map(used),
    model: choice.label,
    tokensIn: reply.tokensIn,
    tokensOut: reply.tokensOut,
    latencyMs: elapsed(),
  }
}
