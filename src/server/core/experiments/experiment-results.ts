import { sql } from 'drizzle-orm'
import { queryRows, type Tx } from '../../db/client.js'

/** z of a two-sided 95% interval. */
const Z = 1.959964

export interface MeanEstimate {
  n: number
  mean: number | null
  /** The 95% interval of the mean (normal approximation); null below 2 observations. */
  low: number | null
  high: number | null
}

export interface RateEstimate {
  n: number
  count: number
  rate: number | null
  /** The Wilson score 95% interval, which stays inside [0, 1] and is honest for small n. */
  low: number | null
  high: number | null
}

/** Mean ± z·s/√n from the sample's mean and standard deviation. */
export function meanInterval(n: number, mean: number | null, sd: number | null): MeanEstimate {
  if (n < 1 || mean === null) return { n, mean: null, low: null, high: null }
  if (n < 2 || sd === null) return { n, mean, low: null, high: null }
  const half = (Z * sd) / Math.sqrt(n)
  return { n, mean, low: mean - half, high: mean + half }
}

/** The Wilson score interval of a proportion `count / n`. */
export function wilsonInterval(count: number, n: number): RateEstimate {
  if (n === 0) return { n, count, rate: null, low: null, high: null }
  const p = count / n
  const z2 = Z * Z
  const denominator = 1 + z2 / n
  const center = (p + z2 / (2 * n)) / denominator
  const half = (Z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))
  return { n, count, rate: p, low: Math.max(0, center - half), high: Math.min(1, center + half) }
}

interface ResultRow {
  variant_id: string
  contacts: number
  answers: number
  conversations: number
  p50: number | null
  p90: number | null
  scored: number
  score_mean: number | null
  score_sd: number | null
  handed_off: number
  rated: number
  rating_mean: number | null
  rating_sd: number | null
}

/**
 * Each variant's figures, aggregated by the database: contacts assigned, AI answers made with the
 * variant and their conversations, reply latency percentiles (messages.latency_ms), the mean answer
 * score and the share of scored answers that handed the chat to a person (answer_scores), and the
 * customers' ratings of conversations the variant answered in. Simulated customers (the dashboard's
 * simulator) are assigned like anyone but never counted.
 */
export async function experimentResults(db: Tx, organizationId: string, experimentId: string) {
  const rows = await queryRows<ResultRow>(
    db,
    sql`
    select v.id as variant_id,
      (select count(*) from experiment_assignments a join contacts c on c.id = a.contact_id
        where a.variant_id = v.id and a.organization_id = ${organizationId} and not c.simulated)::int as contacts,
      coalesce(ans.answers, 0)::int as answers, coalesce(ans.conversations, 0)::int as conversations,
      ans.p50::float8 as p50, ans.p90::float8 as p90,
      coalesce(sc.scored, 0)::int as scored, sc.score_mean::float8 as score_mean, sc.score_sd::float8 as score_sd,
      coalesce(sc.handed_off, 0)::int as handed_off,
      coalesce(rt.rated, 0)::int as rated, rt.rating_mean::float8 as rating_mean, rt.rating_sd::float8 as rating_sd
    from experiment_variants v
    left join lateral (
      select count(*) as answers, count(distinct m.conversation_id) as conversations,
        percentile_cont(0.5) within group (order by m.latency_ms) as p50,
        percentile_cont(0.9) within group (order by m.latency_ms) as p90
      from messages m
        join conversations cv on cv.id = m.conversation_id
        join contacts c on c.id = cv.contact_id
      where m.organization_id = ${organizationId} and m.variant_id = v.id and m.source = 'ai'
        and not c.simulated
    ) ans on true
    left join lateral (
      select count(*) as scored, avg(s.score) as score_mean, stddev_samp(s.score) as score_sd,
        count(*) filter (where s.escalated) as handed_off
      from answer_scores s
        join conversations cv on cv.id = s.conversation_id
        join contacts c on c.id = cv.contact_id
      where s.organization_id = ${organizationId} and s.variant_id = v.id and not c.simulated
    ) sc on true
    left join lateral (
      select count(*) as rated, avg(cv.rating) as rating_mean, stddev_samp(cv.rating) as rating_sd
      from conversations cv
        join contacts c on c.id = cv.contact_id
      where cv.organization_id = ${organizationId} and cv.rating is not null and not c.simulated
        and exists (select 1 from messages m where m.conversation_id = cv.id and m.variant_id = v.id
                    and m.source = 'ai' and m.organization_id = ${organizationId})
    ) rt on true
    where v.experiment_id = ${experimentId} and v.organization_id = ${organizationId}`,
  )
  const num = (x: unknown) => (x === null || x === undefined ? null : Number(x))
  return new Map(
    rows.map((r) => [
      r.variant_id,
      {
        contacts: Number(r.contacts),
        answers: Number(r.answers),
        conversations: Number(r.conversations),
        qualityScore: meanInterval(Number(r.scored), num(r.score_mean), num(r.score_sd)),
        handOffRate: wilsonInterval(Number(r.handed_off), Number(r.scored)),
        rating: meanInterval(Number(r.rated), num(r.rating_mean), num(r.rating_sd)),
        latencyMs: { p50: num(r.p50), p90: num(r.p90) },
      },
    ]),
  )
}
