// `npm run eval`: how often the fact a customer asked for reaches them. Four small businesses
// (bench/eval/sets: a restaurant and a dental clinic in English, a hotel in French, a bike shop in
// Spanish), created, filled and trained through the real core actions on a scratch in-memory
// PGlite database; then every question is answered twice through answerCustomer: once with a
// local fake OpenAI-compatible model (the exact request it receives is the prompt measured) and
// once with the built-in responder. Prints a Markdown table; `--json` prints the figures as JSON,
// `--verbose` lists every miss; `--dev` runs the development set (bench/eval/dev) instead.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Config, parseConfig } from '../../src/server/config.js'
import type { ActorCtx } from '../../src/server/core/context.js'
import { answerCustomer } from '../../src/server/core/knowledge/answer-customer.js'
import { createSource } from '../../src/server/core/knowledge/create-source.js'
import { OFFERS } from '../../src/server/core/knowledge/escalation.js'
import { loadKnowledgeOwner } from '../../src/server/core/knowledge/knowledge-base.js'
import { retrievePassages } from '../../src/server/core/knowledge/retrieve-passages.js'
import { saveProfile } from '../../src/server/core/knowledge/save-profile.js'
import { trainKnowledge } from '../../src/server/core/knowledge/train-knowledge.js'
import { disabledLiveHub } from '../../src/server/core/live/live-hub.js'
import { createOrganization } from '../../src/server/core/organizations/create-organization.js'
import { type Database, openPglite } from '../../src/server/db/client.js'
import { user } from '../../src/server/db/schema/index.js'
import { createLogger } from '../../src/server/logger.js'
import { createMailer } from '../../src/server/providers/mail/index.js'
import { createTelephony } from '../../src/server/providers/telephony/index.js'
import { messageText, startFakeOpenAI } from '../../test/support/fake-openai.js'
import { DEV_SETS } from './dev/sets.js'
import { bikes } from './sets/bikes-es.js'
import { dental } from './sets/dental-en.js'
import { hotel } from './sets/hotel-fr.js'
import { restaurant } from './sets/restaurant-en.js'
import type { EvalOrganization, EvalQuestion, QuestionKind } from './types.js'

const SETS: EvalOrganization[] = [restaurant, dental, hotel, bikes]

/** Lower case, no accents, one kind of dash and space: a fact is found however the text spells those. */
export const normalize = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\s\u00a0\u202f]+/g, ' ')

const contains = (text: string, fact: string) => normalize(text).includes(normalize(fact))

interface Outcome {
  organization: string
  question: EvalQuestion
  factInPrompt: boolean | null
  /** The same with whole-knowledge prompts off (AI_WHOLE_KNOWLEDGE_TOKENS=0): what a large knowledge base gets. */
  factInRetrievedPrompt: boolean | null
  /** The same with hybrid retrieval (full text and the fake embedding model's vectors, fused). */
  factInHybridPrompt: boolean | null
  factInReply: boolean | null
  saidDontKnow: boolean
  leaks: string[]
  retrievalMs: number
  reply: string
}

function servicesFor(config: Config, database: Database) {
  const log = createLogger('silent')
  return {
    db: database.db,
    config,
    log,
    telephony: createTelephony(config, database.db),
    mailer: createMailer(config, log),
    billing: null,
    // Nothing evaluated enqueues work or wakes the inbox.
    jobs: {
      send: async () => null,
      wake: () => {},
    },
    inbox: { wake: () => {} },
    live: disabledLiveHub(),
  }
}

/** The knowledge of an organization as one text, to check the sets themselves. */
const knowledgeText = (o: EvalOrganization) =>
  [...Object.values(o.profile), ...o.faqs.flat(), ...o.documents.flat()].join('\n')

/** A set whose facts are not in its own knowledge, or whose "distinctive" strings are in another's, is wrong. */
function checkSets(sets: EvalOrganization[]) {
  const problems: string[] = []
  for (const o of sets) {
    const own = knowledgeText(o)
    for (const q of o.questions)
      for (const f of q.facts)
        if (!contains(own, f)) problems.push(`${o.name}: "${f}" (${q.text}) is not in its knowledge`)
    for (const d of o.distinctive) {
      if (!contains(own, d)) problems.push(`${o.name}: distinctive "${d}" is not in its knowledge`)
      for (const other of sets)
        if (other !== o && contains(knowledgeText(other), d))
          problems.push(`${o.name}: distinctive "${d}" is also in ${other.name}`)
    }
  }
  if (problems.length > 0) throw new Error(`The evaluation sets are inconsistent:\n${problems.join('\n')}`)
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN

/** `sets`: the held-out SETS by default; DEV_SETS (`--dev`) for tuning, so SETS stay unseen. */
export async function runEval(sets: EvalOrganization[] = SETS) {
  checkSets(sets)
  const fake = await startFakeOpenAI()
  // The fake model's reply is irrelevant: only the request it receives (the prompt) is measured.
  fake.fallback = () => ({ text: 'OK.' })
  const database = await openPglite()
  try {
    const base = {
      NODE_ENV: 'test',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'wa-eval-')),
      AUTH_SECRET: 'eval-secret-eval-secret-eval-secret-0123456789',
      LOG_LEVEL: 'silent',
    }
    const builtinConfig = parseConfig(base)
    const modelEnv = { AI_COMPATIBLE_BASE_URL: `${fake.url}/v1`, AI_COMPATIBLE_MODELS: 'eval-model' }
    const modelConfig = parseConfig({ ...base, ...modelEnv })
    await database.db
      .insert(user)
      .values({ id: 'eval-owner', name: 'Eval owner', email: 'owner@eval.test', emailVerified: true })
    const actor = { userId: 'eval-owner', email: 'owner@eval.test', isOperator: true, emailVerified: true }
    const builtinCtx: ActorCtx = { ...servicesFor(builtinConfig, database), actor }
    const modelCtx: ActorCtx = { ...servicesFor(modelConfig, database), actor }
    const retrievalOnly = parseConfig({ ...base, ...modelEnv, AI_WHOLE_KNOWLEDGE_TOKENS: '0' })
    const retrievalCtx: ActorCtx = { ...servicesFor(retrievalOnly, database), actor }
    // The fake server's embeddings (a small synonym table hashed into vectors, not a language
    // model): the hybrid column checks that fusing vectors in loses no fact full text finds.
    // Training with it stores the vectors; contexts without an embedding model ignore them.
    const hybridConfig = parseConfig({
      ...base,
      ...modelEnv,
      AI_WHOLE_KNOWLEDGE_TOKENS: '0',
      AI_EMBEDDING_MODEL: 'eval-embeddings',
    })
    const hybridCtx: ActorCtx = { ...servicesFor(hybridConfig, database), actor }

    const ids = new Map<EvalOrganization, string>()
    for (const o of sets) {
      const org = await createOrganization({
        ctx: builtinCtx,
        input: { name: o.name, industry: o.industry, ai: { tone: 'friendly', language: o.language } },
      })
      await saveProfile({ ctx: builtinCtx, input: { organizationId: org.id, fields: o.profile } })
      for (const [question, content] of o.faqs)
        await createSource({
          ctx: builtinCtx,
          input: { organizationId: org.id, kind: 'faq', question, content },
        })
      for (const [title, content] of o.documents)
        await createSource({
          ctx: builtinCtx,
          input: { organizationId: org.id, kind: 'text', title, content },
        })
      const trained = await trainKnowledge({ ctx: hybridCtx, input: { organizationId: org.id } })
      if (!trained.trained) throw new Error(`${o.name} was not trained: ${trained.reason}`)
      ids.set(o, org.id)
    }

    const outcomes: Outcome[] = []
    for (const o of sets) {
      const organizationId = ids.get(o) ?? ''
      const owner = await loadKnowledgeOwner(builtinCtx, organizationId)
      const generation = owner?.knowledgeGeneration ?? 0
      const others = sets.filter((s) => s !== o).flatMap((s) => s.distinctive)
      for (const question of o.questions) {
        const started = performance.now()
        await retrievePassages(builtinCtx, { organizationId, generation, message: question.text })
        const retrievalMs = performance.now() - started

        // The instructions and knowledge the model is given; the customer's own words are left out,
        // so a question naming another business is not counted as a leak.
        const promptOf = async (ctx: ActorCtx) => {
          const before = fake.requests.length
          await answerCustomer({ ctx, input: { organizationId, message: question.text, history: [] } })
          // The answering request is the last one (hybrid retrieval may rewrite the question first).
          const request = fake.requests.length > before ? fake.requests.at(-1) : undefined
          return request
            ? request.body.messages
                .filter((m) => m.role === 'system')
                .map(messageText)
                .join('\n')
            : ''
        }
        const prompt = await promptOf(modelCtx)
        const retrievedPrompt = await promptOf(retrievalCtx)
        const hybridPrompt = await promptOf(hybridCtx)

        const answer = await answerCustomer({
          ctx: builtinCtx,
          input: { organizationId, message: question.text, history: [] },
        })
        const saidDontKnow =
          answer.escalate || Object.values(OFFERS).some((offer) => answer.text.includes(offer))
        const facts = question.facts
        outcomes.push({
          organization: o.name,
          question,
          factInPrompt: facts.length > 0 ? facts.every((f) => contains(prompt, f)) : null,
          factInRetrievedPrompt: facts.length > 0 ? facts.every((f) => contains(retrievedPrompt, f)) : null,
          factInHybridPrompt: facts.length > 0 ? facts.every((f) => contains(hybridPrompt, f)) : null,
          factInReply: facts.length > 0 ? facts.every((f) => contains(answer.text, f)) : null,
          saidDontKnow,
          leaks: others.filter(
            (d) =>
              contains(prompt, d) ||
              contains(retrievedPrompt, d) ||
              contains(hybridPrompt, d) ||
              contains(answer.text, d),
          ),
          retrievalMs,
          reply: answer.text,
        })
      }
    }
    return summarize(sets, outcomes)
  } finally {
    await database.close()
    await fake.close()
  }
}

interface Row {
  label: string
  questions: number
  factInPrompt: [number, number]
  factInRetrievedPrompt: [number, number]
  factInHybridPrompt: [number, number]
  factInReply: [number, number]
  dontKnow: [number, number]
  leaks: number
  p95Ms: number
}

function row(label: string, list: Outcome[]): Row {
  const answerable = list.filter((o) => !o.question.outOfScope)
  const unanswerable = list.filter((o) => o.question.outOfScope)
  const times = list.map((o) => o.retrievalMs).sort((a, b) => a - b)
  return {
    label,
    questions: list.length,
    factInPrompt: [answerable.filter((o) => o.factInPrompt).length, answerable.length],
    factInRetrievedPrompt: [answerable.filter((o) => o.factInRetrievedPrompt).length, answerable.length],
    factInHybridPrompt: [answerable.filter((o) => o.factInHybridPrompt).length, answerable.length],
    factInReply: [answerable.filter((o) => o.factInReply).length, answerable.length],
    dontKnow: [unanswerable.filter((o) => o.saidDontKnow).length, unanswerable.length],
    leaks: list.reduce((n, o) => n + o.leaks.length, 0),
    p95Ms: percentile(times, 95),
  }
}

function summarize(sets: EvalOrganization[], outcomes: Outcome[]) {
  const kinds: QuestionKind[] = ['direct', 'paraphrase', 'out-of-scope', 'injection']
  const rows = [
    ...sets.map((s) =>
      row(
        s.name,
        outcomes.filter((o) => o.organization === s.name),
      ),
    ),
    ...kinds.map((k) =>
      row(
        `(${k})`,
        outcomes.filter((o) => o.question.kind === k),
      ),
    ),
    row('**all**', outcomes),
  ]
  const misses = outcomes
    .filter(
      (o) =>
        o.factInPrompt === false ||
        o.factInReply === false ||
        (o.question.outOfScope && !o.saidDontKnow) ||
        o.leaks.length > 0,
    )
    .map((o) => ({
      organization: o.organization,
      kind: o.question.kind,
      question: o.question.text,
      facts: o.question.facts,
      factInPrompt: o.factInPrompt,
      factInReply: o.factInReply,
      saidDontKnow: o.saidDontKnow,
      leaks: o.leaks,
      reply: o.reply,
    }))
  return { rows, misses }
}

const pct = ([n, d]: [number, number]) => (d === 0 ? '–' : `${((100 * n) / d).toFixed(1)} % (${n}/${d})`)

export function markdown(rows: Row[]): string[] {
  return [
    '| set | questions | fact in prompt (model path) | fact in prompt, retrieval only | fact in prompt, hybrid retrieval | fact in reply (built-in) | "don\'t know" when out of scope (built-in) | cross-organization leaks | p95 retrieval ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.questions} | ${pct(r.factInPrompt)} | ${pct(r.factInRetrievedPrompt)} | ${pct(r.factInHybridPrompt)} | ${pct(r.factInReply)} | ${pct(r.dontKnow)} | ${r.leaks} | ${r.p95Ms.toFixed(1)} |`,
    ),
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  runEval(args.includes('--dev') ? DEV_SETS : SETS)
    .then(({ rows, misses }) => {
      if (args.includes('--json')) console.log(JSON.stringify({ rows, misses }, null, 2))
      else {
        console.log(markdown(rows).join('\n'))
        if (args.includes('--verbose'))
          for (const m of misses)
            console.log(
              `\n- [${m.organization} · ${m.kind}] ${m.question}\n  facts: ${m.facts.join(' | ') || '(out of scope)'}; prompt ${m.factInPrompt}, reply ${m.factInReply}, don't know ${m.saidDontKnow}${m.leaks.length ? `, LEAKS ${m.leaks.join(', ')}` : ''}\n  reply: ${m.reply.slice(0, 300)}`,
            )
      }
      process.exit(0)
    })
    .catch((err) => {
      console.error(err)
      process.exit(1)
    })
}
