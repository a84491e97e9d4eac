import { and, eq, isNull, lt, sql } from 'drizzle-orm'
import type { Db } from '../../db/client.js'
import { idempotencyKeys } from '../../db/schema/index.js'

/** How long a stored answer is replayed (system.cleanup deletes older rows). */
export const IDEMPOTENCY_KEEP_HOURS = 24
/** A first request still unfinished after this long is taken to have died: a retry runs again. */
export const IDEMPOTENCY_RUNNING_SECONDS = 60

export interface IdempotentRequest {
  /** Who asked: `key:<api key id>` or `user:<user id>`, so two callers' keys never meet. */
  scope: string
  key: string
  method: string
  path: string
  requestHash: string
}

export interface StoredAnswer {
  statusCode: number
  body: string
  contentType: string | null
}

export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'in_use' }
  | { kind: 'reused' }

const sameKey = (req: Pick<IdempotentRequest, 'scope' | 'key'>) =>
  and(eq(idempotencyKeys.scope, req.scope), eq(idempotencyKeys.key, req.key))

/**
 * Claims `key` for this request by inserting its row first (so two concurrent requests cannot both
 * run), or says what the existing row allows: a replay of the stored answer, "still running", or
 * "that key was used for another request".
 */
export async function claimIdempotencyKey(db: Db, req: IdempotentRequest): Promise<IdempotencyClaim> {
  // Twice at most: a row deleted between the insert and the read (a 5xx released it) is claimed again.
  for (let round = 0; round < 2; round++) {
    const inserted = await db
      .insert(idempotencyKeys)
      .values({ ...req })
      .onConflictDoNothing()
      .returning({ key: idempotencyKeys.key })
    if (inserted.length > 0) return { kind: 'claimed' }
    const [row] = await db
      .select({
        requestHash: idempotencyKeys.requestHash,
        statusCode: idempotencyKeys.statusCode,
        responseBody: idempotencyKeys.responseBody,
        responseType: idempotencyKeys.responseType,
        running: sql<boolean>`${idempotencyKeys.createdAt} > now() - make_interval(secs => ${IDEMPOTENCY_RUNNING_SECONDS})`,
      })
      .from(idempotencyKeys)
      .where(sameKey(req))
    if (!row) continue
    if (row.requestHash !== req.requestHash) return { kind: 'reused' }
    if (row.statusCode !== null) {
      return {
        kind: 'replay',
        answer: { statusCode: row.statusCode, body: row.responseBody ?? '', contentType: row.responseType },
      }
    }
    if (row.running) return { kind: 'in_use' }
    // The first request died without an answer: this one takes its place (one taker wins).
    const taken = await db
      .update(idempotencyKeys)
      .set({ createdAt: sql`now()` })
      .where(
        and(
          sameKey(req),
          isNull(idempotencyKeys.statusCode),
          sql`${idempotencyKeys.createdAt} <= now() - make_interval(secs => ${IDEMPOTENCY_RUNNING_SECONDS})`,
        ),
      )
      .returning({ key: idempotencyKeys.key })
    return taken.length > 0 ? { kind: 'claimed' } : { kind: 'in_use' }
  }
  return { kind: 'in_use' }
}

/** Keeps the answer of a claimed request, for its retries. */
export async function storeIdempotentAnswer(
  db: Db,
  req: Pick<IdempotentRequest, 'scope' | 'key'>,
  answer: StoredAnswer,
) {
  await db
    .update(idempotencyKeys)
    .set({ statusCode: answer.statusCode, responseBody: answer.body, responseType: answer.contentType })
    .where(and(sameKey(req), isNull(idempotencyKeys.statusCode)))
}

/** Gives a claimed key back without an answer (the request failed on our side): a retry runs again. */
export async function releaseIdempotencyKey(db: Db, req: Pick<IdempotentRequest, 'scope' | 'key'>) {
  await db.delete(idempotencyKeys).where(and(sameKey(req), isNull(idempotencyKeys.statusCode)))
}

/** Forgets answers older than a day (the system.cleanup job). */
export async function deleteExpiredIdempotencyKeys(db: Db) {
  await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.createdAt, new Date(Date.now() - IDEMPOTENCY_KEEP_HOURS * 3600_000)))
}
