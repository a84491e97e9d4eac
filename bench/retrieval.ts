// Retrieval speed: p50/p95 of `retrievePassages` over a 10,000-passage knowledge base on
// PostgreSQL and, for reference, on PGlite, with other organizations' passages in the same
// tables. `npm run bench -- retrieval`, or `tsx bench/retrieval.ts [--explain]` alone (the
// flag prints the ranking query's plan with EXPLAIN (ANALYZE, BUFFERS)).
import { cpus, loadavg } from 'node:os'
import type { Ctx } from '../src/server/core/context.js'
import { explainRetrieval, retrievePassages } from '../src/server/core/knowledge/retrieve-passages.js'
import { trainKnowledge } from '../src/server/core/knowledge/train-knowledge.js'
import { type Database, oneRow, openPglite, openPostgres } from '../src/server/db/client.js'
import { createLogger } from '../src/server/logger.js'
import { createScratchDatabase } from './scratch-database.js'

const progress = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`)
const PASSAGES = 10_000
const OTHER_ORGANIZATIONS = 3
const OTHER_PASSAGES = 4_000
const RUNS = 200

// A catalogue where every passage shares most of its words (the hard case: a common word
// matches thousands of passages), as in test/knowledge-retrieval.test.ts.
const things = ['lamp', 'chair', 'table', 'sofa', 'shelf', 'rug', 'mirror', 'desk', 'bed', 'stool']
const colours = ['red', 'blue', 'green', 'oak', 'walnut', 'white', 'black', 'grey', 'teal', 'amber']
const item = (i: number) => `${colours[i % 10]} ${things[Math.floor(i / 10) % 10]} model ${i}`
const blurb =
  'Handmade in our workshop from certified materials, delivered flat-packed with tools and instructions. '.repeat(
    6,
  )
const catalogue = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => `Item: ${item(i)}; Price: ${(i % 500) + 10}; Stock: ${i % 7}; Description: ${blurb}`,
  ).join('\n')

// Help-centre prose: sentences over a vocabulary of 3,000 words with Zipf's spread (the word of
// rank r used in proportion to 1/r: a few words in most passages, most words in a few), and one
// topic word per article that customers ask about.
const commonWords = (
  'order delivery return refund account password payment card invoice shipping parcel courier address ' +
  'warranty repair battery charger screen cable adapter size colour fabric cotton wool leather stitching ' +
  'discount voucher code gift subscription plan upgrade cancel pause renew trial login email phone app ' +
  'store branch opening hours weekend holiday appointment booking table guest allergy gluten vegan menu ' +
  'price tax receipt exchange damaged missing late tracking customs international express standard free ' +
  'minimum maximum weight box pallet assembly instructions tools screws manual guide video support agent ' +
  'chat ticket complaint feedback review rating loyalty points member newsletter privacy data cookies'
).split(' ')
const vocabulary = [
  ...commonWords,
  ...Array.from({ length: 3000 - commonWords.length }, (_, i) => `term${i}x`),
]
const filler =
  'the you your we our can will is are to of and for in on with a please if it this that be have after before when'.split(
    ' ',
  )
/** `list[index]` for an index the caller computed in range; a failure names the list if it is not. */
function at<T>(list: readonly T[], index: number, what: string): T {
  const item = list[index]
  if (item === undefined) throw new Error(`${what}: no item ${index} of ${list.length}`)
  return item
}
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}
const zipf = (random: () => number) =>
  at(
    vocabulary,
    Math.min(vocabulary.length - 1, Math.floor(Math.exp(random() * Math.log(vocabulary.length + 1))) - 1),
    'vocabulary',
  )
function helpCentre(n: number, seed = 1) {
  const random = rng(seed)
  const articles: string[] = []
  for (let i = 0; i < n; i++) {
    const words: string[] = [`topic${i}`]
    for (let w = 0; w < 90; w++)
      words.push(random() < 0.45 ? at(filler, Math.floor(random() * filler.length), 'filler') : zipf(random))
    articles.push(`# Article ${i}: ${zipf(random)} ${zipf(random)} topic${i}\n\n${words.join(' ')}.`)
  }
  return articles.join('\n\n')
}
const helpQuestion = (i: number) => {
  const random = rng(i + 7)
  return `hi, can you tell me about ${zipf(random)} and ${zipf(random)} for topic${i} please?`
}

async function createOrganization(database: Database, name: string, language: string) {
  const r = await database.sql.executeSql(
    `insert into organizations (name, business_hours, ai) values ($1, $2, $3) returning id`,
    [
      name,
      JSON.stringify({ enabled: false, timezone: 'UTC', schedule: {}, outOfHoursMessage: '' }),
      JSON.stringify({ tone: 'friendly', language }),
    ],
  )
  return String(oneRow(r.rows, 'organization').id)
}

async function addSource(
  database: Database,
  organizationId: string,
  source: { kind: 'text' | 'file'; title: string; content: string },
) {
  await database.sql.executeSql(
    `insert into knowledge_sources (organization_id, kind, title, content, mime_type) values ($1, $2, $3, $4, $5)`,
    [organizationId, source.kind, source.title, source.content, source.kind === 'file' ? 'text/csv' : null],
  )
}

async function generationOf(database: Database, organizationId: string) {
  const r = await database.sql.executeSql('select knowledge_generation from organizations where id = $1', [
    organizationId,
  ])
  return Number(oneRow(r.rows, 'organization').knowledge_generation)
}

const percentile = (sorted: number[], p: number) =>
  at(sorted, Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length)), 'timings')

interface Measured {
  dataset: string
  p50: number
  p95: number
  found: number
  runs: number
}

async function measure(
  ctx: Ctx,
  dataset: string,
  organizationId: string,
  generation: number,
  question: (i: number) => { message: string; expect: string },
): Promise<Measured> {
  // Warm-up: the first question of a generation reads its statistics; a running process has them.
  for (let i = 0; i < 20; i++)
    await retrievePassages(ctx, { organizationId, generation, message: question(RUNS + i).message })
  const times: number[] = []
  let found = 0
  for (let i = 0; i < RUNS; i++) {
    const q = question(i)
    const started = performance.now()
    const passages = await retrievePassages(ctx, { organizationId, generation, message: q.message })
    times.push(performance.now() - started)
    if (passages[0]?.content.includes(q.expect)) found++
  }
  times.sort((a, b) => a - b)
  return { dataset, p50: percentile(times, 50), p95: percentile(times, 95), found, runs: RUNS }
}

/** Builds the knowledge bases on one database and measures both data sets. */
async function benchOn(database: Database, label: string, explain: boolean): Promise<Measured[]> {
  const ctx = { db: database.db, log: createLogger('silent') } as unknown as Ctx
  progress(`${label}: training ${OTHER_ORGANIZATIONS} other organizations`)
  for (let o = 0; o < OTHER_ORGANIZATIONS; o++) {
    const other = await createOrganization(database, `Other ${o}`, 'en')
    await addSource(database, other, {
      kind: 'file',
      title: 'catalogue.csv',
      content: catalogue(OTHER_PASSAGES / 2),
    })
    await addSource(database, other, {
      kind: 'text',
      title: 'Help',
      content: helpCentre(OTHER_PASSAGES / 2, o + 100),
    })
    await trainKnowledge({ ctx, input: { organizationId: other } })
  }
  progress(`${label}: training the catalogue and the help centre (${PASSAGES} passages each)`)
  const shop = await createOrganization(database, 'Catalogue', 'en')
  await addSource(database, shop, { kind: 'file', title: 'catalogue.csv', content: catalogue(PASSAGES) })
  await trainKnowledge({ ctx, input: { organizationId: shop } })
  const help = await createOrganization(database, 'Help centre', 'en')
  await addSource(database, help, { kind: 'text', title: 'Help centre', content: helpCentre(PASSAGES) })
  await trainKnowledge({ ctx, input: { organizationId: help } })
  const counts = await database.sql.executeSql(
    'select organization_id, count(*)::int as n from knowledge_chunks group by organization_id',
  )
  const byOrg = new Map(counts.rows.map((r) => [r.organization_id, Number(r.n)]))
  progress(
    `${label}: ${byOrg.get(shop)} + ${byOrg.get(help)} passages, ${[...byOrg.values()].reduce((a, b) => a + b, 0)} in all`,
  )

  const shopGeneration = await generationOf(database, shop)
  const helpGeneration = await generationOf(database, help)
  const shopQuestion = (i: number) => {
    const it = item((i * 497 + 3) % PASSAGES)
    return { message: `how much is the ${it}?`, expect: `Item: ${it};` }
  }
  const helpQuestionOf = (i: number) => {
    const n = (i * 389 + 11) % PASSAGES
    return { message: helpQuestion(n), expect: `topic${n} ` }
  }
  if (explain) {
    for (const [orgId, generation, message] of [
      [shop, shopGeneration, shopQuestion(1).message],
      [help, helpGeneration, helpQuestionOf(1).message],
    ] as const) {
      await retrievePassages(ctx, { organizationId: orgId, generation, message })
      const plan = await explainRetrieval(ctx, { organizationId: orgId, generation, message })
      console.log(`\n-- ${message}\n${plan}`)
    }
  }
  progress(`${label}: measuring`)
  const results = [
    await measure(ctx, 'catalogue', shop, shopGeneration, shopQuestion),
    // Only common words: "red" and "lamp" are each in 1,000 passages, both in 100.
    await measure(ctx, 'catalogue, common words only', shop, shopGeneration, (i) => {
      const [colour, thing] = [colours[i % 10], things[(i * 7 + Math.floor(i / 10)) % 10]]
      return { message: `do you have a ${colour} ${thing}?`, expect: `Item: ${colour} ${thing} model` }
    }),
    await measure(ctx, 'help centre', help, helpGeneration, helpQuestionOf),
  ]
  return results
}

async function createServerDatabase() {
  const scratch = await createScratchDatabase('bench_r')
  const database = await openPostgres(scratch.url, { max: 4 })
  return {
    database,
    async drop() {
      await database.close()
      // BENCH_KEEP_DATABASE=1 leaves it for EXPLAIN in psql.
      if (process.env.BENCH_KEEP_DATABASE) return progress(`kept database ${scratch.name}`)
      await scratch.drop()
    },
  }
}

/** Markdown lines for the README. */
export async function benchRetrieval(opts: { explain?: boolean; pglite?: boolean } = {}): Promise<string[]> {
  const rows: string[] = []
  const row = (db: string, m: Measured) =>
    `| ${db} | ${m.dataset} | ${m.p50.toFixed(1)} | ${m.p95.toFixed(1)} | ${m.found}/${m.runs} |`
  const server = await createServerDatabase()
  try {
    for (const m of await benchOn(server.database, 'PostgreSQL', opts.explain ?? false))
      rows.push(row('PostgreSQL', m))
  } finally {
    await server.drop()
  }
  if (opts.pglite ?? true) {
    const lite = await openPglite()
    try {
      for (const m of await benchOn(lite, 'PGlite', false)) rows.push(row('PGlite', m))
    } finally {
      await lite.close()
    }
  }
  return [
    `Retrieval over ${PASSAGES.toLocaleString('en')} passages of one organization (+ ${(OTHER_ORGANIZATIONS * OTHER_PASSAGES).toLocaleString('en')} of others), ${RUNS} questions each, ${cpus().length} cores (load average ${at(loadavg(), 0, 'load average').toFixed(1)} at the end):`,
    '',
    '| database | knowledge base | p50 ms | p95 ms | expected passage first |',
    '|---|---|---|---|---|',
    ...rows,
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  benchRetrieval({ explain: args.includes('--explain'), pglite: !args.includes('--no-pglite') })
    .then((lines) => {
      console.log(lines.join('\n'))
      process.exit(0)
    })
    .catch((err) => {
      console.error(err)
      process.exit(1)
    })
}
