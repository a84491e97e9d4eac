import { sql } from 'drizzle-orm'
import { oneRow } from '../../db/client.js'
import { knowledgeSources } from '../../db/schema/index.js'
import { assertKnowledgeRoom } from '../billing/knowledge-allowance.js'
import type { ActorCtx } from '../context.js'
import { BadRequest } from '../errors.js'
import { checkUpload } from './extract-text.js'
import { authorizeKnowledgeBase } from './knowledge-base.js'
import { sourceColumns, sourceView } from './view.js'

/**
 * Accepts an uploaded file: what can be checked at once is (a 400 saying why, nothing stored);
 * then its bytes are stored on a `processing` source, in the same transaction as the
 * `knowledge.extract` job that reads its text off the event loop and makes it `ready` or
 * `failed` with the reason. Any process may run that job, so the bytes live in the database.
 */
export async function uploadFile({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; fileName: string; mimeType?: string; bytes: Uint8Array }
}) {
  await authorizeKnowledgeBase(ctx, input.organizationId, 'knowledge:write')
  const fileName = input.fileName.replace(/[\\/]/g, '_').trim().slice(0, 255)
  if (!fileName) throw new BadRequest('Invalid input', [{ path: 'file', message: 'the file has no name' }])
  const { mimeType } = checkUpload({ ...input, fileName })
  const row = await ctx.db.transaction(async (tx) => {
    // The plan's file size and source count (402 PLAN_REQUIRED) before anything is stored; its
    // characters are checked when extraction finishes (extract-source.ts).
    await assertKnowledgeRoom(tx, input.organizationId, {
      newSource: true,
      fileBytes: input.bytes.byteLength,
    })
    const created = oneRow(
      await tx
        .insert(knowledgeSources)
        .values({
          organizationId: input.organizationId,
          kind: 'file',
          title: fileName.replace(/\.[A-Za-z0-9]+$/, '') || fileName,
          content: '',
          fileName,
          mimeType,
          sizeBytes: input.bytes.byteLength,
          status: 'processing',
          progress: 0,
          // Sent as base64 and decoded by the database: PGlite's own bytea parameter encoding costs
          // seconds of the event loop for a 10 MB file, base64 a few milliseconds.
          fileBytes: sql`decode(${Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength).toString('base64')}, 'base64')`,
        })
        .returning(sourceColumns),
      'knowledge source',
    )
    await ctx.jobs.send(
      'knowledge.extract',
      { organizationId: input.organizationId, sourceId: created.id },
      { tx },
    )
    return created
  })
  ctx.jobs.wake('knowledge.extract')
  return sourceView(row)
}
