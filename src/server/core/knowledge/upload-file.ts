import { knowledgeSources } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { dbOf } from '../context.js'
import { BadRequest } from '../errors.js'
import { extractText } from './extract-text.js'
import { authorizeKnowledgeBase } from './knowledge-base.js'
import { sourceView } from './view.js'

/**
 * Stores an uploaded file as a source holding its extracted text. The text is extracted before
 * anything is written, so a file that cannot be read leaves nothing behind.
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
  const { mimeType, text } = await extractText({ ...input, fileName })
  const [row] = await dbOf(ctx)
    .insert(knowledgeSources)
    .values({
      organizationId: input.organizationId,
      kind: 'file',
      title: fileName.replace(/\.[A-Za-z0-9]+$/, '') || fileName,
      content: text,
      fileName,
      mimeType,
      sizeBytes: input.bytes.byteLength,
    })
    .returning()
  return sourceView(row)
}
