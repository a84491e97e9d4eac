import { and, eq, sql } from 'drizzle-orm'
import { knowledgeSources } from '../../db/schema/index.js'
import { PlanRequired } from '../billing/entitlements.js'
import { assertKnowledgeRoom } from '../billing/knowledge-allowance.js'
import type { Ctx } from '../context.js'
import { BadRequest } from '../errors.js'
import { extractTextOffThread } from './text-thread.js'

type Input = { organizationId: string; sourceId: string }

const processing = (input: Input) =>
  and(
    eq(knowledgeSources.id, input.sourceId),
    eq(knowledgeSources.organizationId, input.organizationId),
    eq(knowledgeSources.status, 'processing'),
  )

/**
 * Reads the text of an uploaded file (the `knowledge.extract` job): off the event loop, under
 * EXTRACTION_LIMITS. The source becomes `ready` with its text, or `failed` with the reason when the
 * file cannot be used; either way its stored bytes are dropped. Other errors (the database) are
 * thrown for the job to retry. A source deleted meanwhile is left alone.
 */
export async function extractSource({ ctx, input }: { ctx: Ctx; input: Input }) {
  const [row] = await ctx.db
    .select({
      fileName: knowledgeSources.fileName,
      mimeType: knowledgeSources.mimeType,
      // As base64 (see uploadFile): PGlite's bytea decoding would hold the event loop for seconds.
      bytes: sql<string | null>`encode(${knowledgeSources.fileBytes}, 'base64')`,
    })
    .from(knowledgeSources)
    .where(processing(input))
    .limit(1)
  if (!row?.bytes) return { status: 'gone' as const }
  await ctx.db.update(knowledgeSources).set({ progress: 30 }).where(processing(input))
  let text: string
  try {
    const bytes = new Uint8Array(Buffer.from(row.bytes, 'base64'))
    ;({ text } = await extractTextOffThread({
      fileName: row.fileName ?? 'file',
      mimeType: row.mimeType ?? undefined,
      bytes,
    }))
  } catch (err) {
    if (!(err instanceof BadRequest)) throw err
    await markExtractionFailed({ ctx, input: { ...input, reason: err.message } })
    ctx.log.info({ ...input, reason: err.message }, 'uploaded file refused')
    return { status: 'failed' as const, reason: err.message }
  }
  try {
    await ctx.db.transaction(async (tx) => {
      // The text must fit the plan's characters, checked under the organization's lock.
      await assertKnowledgeRoom(tx, input.organizationId, {
        chars: text.length,
        replacingSourceId: input.sourceId,
      })
      await tx
        .update(knowledgeSources)
        .set({
          content: text,
          status: 'ready',
          progress: 100,
          error: null,
          fileBytes: null,
          updatedAt: new Date(),
        })
        .where(processing(input))
    })
  } catch (err) {
    if (!(err instanceof PlanRequired)) throw err
    await markExtractionFailed({ ctx, input: { ...input, reason: err.message } })
    ctx.log.info({ ...input, reason: err.message }, 'uploaded file over the plan')
    return { status: 'failed' as const, reason: err.message }
  }
  return { status: 'ready' as const, characters: text.length }
}

/** Records that a file could not be read (its reason shown in the AI Training tab); its bytes go. */
export async function markExtractionFailed({ ctx, input }: { ctx: Ctx; input: Input & { reason: string } }) {
  await ctx.db
    .update(knowledgeSources)
    .set({
      status: 'failed',
      progress: 100,
      error: input.reason.slice(0, 1000),
      fileBytes: null,
      updatedAt: new Date(),
    })
    .where(processing(input))
}
