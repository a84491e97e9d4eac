import { sql } from 'drizzle-orm'
import { rowsOf } from '../../db/client.js'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'

/** ts_rank's weights for the passage tsvector (D, C, B, A): FAQ question, headings, text. */
export const RANK_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}'

/** A lexeme in more passages than this keeps the ids of this many of them, where it ranks highest. */
export const BEST_PASSAGES = 50

/** Passages per statement while counting, so embedded PGlite answers requests in between. */
const SLICE = 2000

export const pgTextArray = (values: string[]) =>
  `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`

const yieldToRequests = () => new Promise((resolve) => setImmediate(resolve))

/**
 * Records the term statistics of a generation being trained (before it is switched to), and
 * drops those of generations older than the live one and the leftovers of a failed attempt at
 * this one. Per lexeme: how many passages contain it and, when
 * more than BEST_PASSAGES do, the ids of the BEST_PASSAGES where it alone ranks highest (the
 * ts_rank retrieval computes).
 */
export async function recordTermStatistics(ctx: Ctx, input: { organizationId: string; generation: number }) {
  const db = dbOf(ctx)
  const { organizationId, generation } = input
  const [org] = rowsOf<{ live: number }>(
    await db.execute(
      sql`select knowledge_generation as live from organizations where id = ${organizationId}`,
    ),
  )
  // Another training switched to this generation (or a later one) first: this one is superseded,
  // and the live generation's statistics are never touched.
  if (!org || Number(org.live) >= generation) return
  await db.execute(sql`
    delete from knowledge_terms
    where organization_id = ${organizationId} and (generation = ${generation} or generation < ${Number(org.live)})
  `)
  const [range] = rowsOf<{ last: number }>(
    await db.execute(sql`
      select coalesce(max(position), -1)::int as last from knowledge_chunks
      where organization_id = ${organizationId} and generation = ${generation}
    `),
  )
  for (let from = 0; from <= Number(range?.last ?? -1); from += SLICE) {
    await db.execute(sql`
      insert into knowledge_terms (organization_id, generation, lexeme, df)
      select ${organizationId}, ${generation}, u.lexeme, count(*)::int
      from knowledge_chunks k, unnest(k.tsv) as u
      where k.organization_id = ${organizationId} and k.generation = ${generation}
        and k.position >= ${from} and k.position < ${from + SLICE}
      group by u.lexeme
      on conflict (organization_id, generation, lexeme) do update set df = knowledge_terms.df + excluded.df
    `)
    await yieldToRequests()
  }
  await recordBestPassages(ctx, organizationId, generation)
  // The planner must know the new generation's rows before customers' questions reach them: with
  // no statistics it estimates a handful of passages per generation and reads every passage of it
  // instead of using the text index. Embedded PGlite has no autovacuum to do it later.
  await db.execute(sql`analyze knowledge_chunks, knowledge_terms`)
}

/**
 * Sets `best` for the generation's lexemes found in more than BEST_PASSAGES passages, in one
 * statement (a lexeme's best passages need all of its passages: ~0.2 s for 10,000 passages).
 * Written as an upsert on the primary key and a filter on a constant array so that its plan does
 * not depend on table statistics, which do not know a generation just written.
 */
async function recordBestPassages(ctx: Ctx, organizationId: string, generation: number) {
  const db = dbOf(ctx)
  const common = rowsOf<{ lexeme: string }>(
    await db.execute(sql`
      select lexeme from knowledge_terms
      where organization_id = ${organizationId} and generation = ${generation} and df > ${BEST_PASSAGES}
    `),
  )
    .map((r) => r.lexeme)
    // Retrieval skips a lexeme with a backslash (it would need escaping in a tsquery).
    .filter((l) => !l.includes('\\'))
  if (common.length === 0) return
  await db.execute(sql`
    insert into knowledge_terms (organization_id, generation, lexeme, df, best)
    select ${organizationId}, ${generation}, u.lexeme, count(*)::int,
           (array_agg(k.id order by ts_rank(${RANK_WEIGHTS}::float4[], k.tsv, quote_literal(u.lexeme)::tsquery, 1) desc,
                      k.position))[1:${sql.raw(String(BEST_PASSAGES))}]
    from knowledge_chunks k, unnest(k.tsv) as u
    where k.organization_id = ${organizationId} and k.generation = ${generation}
      and u.lexeme = any (${pgTextArray(common)}::text[])
    group by u.lexeme
    on conflict (organization_id, generation, lexeme) do update set df = excluded.df, best = excluded.best
  `)
}

/**
 * Term statistics for a generation trained before they were recorded (computed now, once):
 * safe when several processes do it at once.
 */
export async function backfillTermStatistics(
  ctx: Ctx,
  input: { organizationId: string; generation: number },
) {
  const db = dbOf(ctx)
  const { organizationId, generation } = input
  await db.transaction(async (tx) => {
    // One process computes them; the others wait, then find them.
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`knowledge_terms:${organizationId}:${generation}`}))`,
    )
    const [done] = rowsOf(
      await tx.execute(sql`
        select 1 from knowledge_terms where organization_id = ${organizationId} and generation = ${generation} limit 1
      `),
    )
    if (done) return
    await tx.execute(sql`
      insert into knowledge_terms (organization_id, generation, lexeme, df)
      select ${organizationId}, ${generation}, u.lexeme, count(*)::int
      from knowledge_chunks k, unnest(k.tsv) as u
      where k.organization_id = ${organizationId} and k.generation = ${generation}
      group by u.lexeme
    `)
    await recordBestPassages({ ...ctx, tx }, organizationId, generation)
  })
}
