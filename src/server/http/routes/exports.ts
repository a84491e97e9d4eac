import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { createRoute, z } from '@hono/zod-openapi'
import { EXPORT_FORMATS, EXPORT_KINDS, EXPORT_STATUSES } from '../../../shared/enums.js'
import { NotFound } from '../../core/errors.js'
import { createExport } from '../../core/exports/create-export.js'
import { deleteExport } from '../../core/exports/delete-export.js'
import { downloadNow } from '../../core/exports/download-now.js'
import { exportFile } from '../../core/exports/export-file.js'
import { ExportFiltersSchema } from '../../core/exports/filters.js'
import { getExport, listExports } from '../../core/exports/list-exports.js'
import type { Logger } from '../../logger.js'
import { actorCtx, systemCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'

const FiltersSchema = ExportFiltersSchema.openapi('ExportFilters', {
  description:
    '`from` inclusive; `to` exclusive for a date-time, the whole day for a date. Messages and conversations are cut by message time, contacts by first seen, usage by month; `contactId` and `tag` narrow messages, conversations and contacts.',
})

export const ExportSchema = z
  .object({
    id: z.string(),
    kind: z.enum(EXPORT_KINDS),
    format: z.enum(EXPORT_FORMATS),
    filters: z.record(z.string(), z.string()),
    status: z.enum(EXPORT_STATUSES),
    processedRows: z.number().int(),
    totalRows: z.number().int().nullable().openapi({ description: 'Rows the filters matched when it began' }),
    sizeBytes: z.number().int().nullable(),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    expiresAt: z.string().nullable().openapi({ description: 'When the file and its link go away' }),
    downloadUrl: z.string().nullable().openapi({
      description: 'A signed link that works without a session until expiresAt (completed exports only)',
    }),
  })
  .openapi('Export')

const FORMAT_DOC =
  'CSV: RFC 4180 with a header row; a cell starting with = + - @ is prefixed with \' (spreadsheet formula guard; E.164 numbers excepted); lists joined with "; ". JSON: one array of objects, streamed.'

const OrgParam = z.object({ id: z.string() })
const ExportParam = z.object({ id: z.string(), exportId: z.string() })
const base = '/api/organizations/{id}/exports'
const tags = ['Exports']

const fileResponse = (description: string) => ({
  description,
  content: {
    'text/csv': { schema: z.string() },
    'application/json': { schema: z.string() },
  },
})

/** Text chunks as a response body that reads the next chunk only when the client took the last. */
function pulled(chunks: AsyncIterable<string>, log: Logger) {
  const it = chunks[Symbol.asyncIterator]()
  const encoder = new TextEncoder()
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await it.next()
          if (next.done) controller.close()
          else controller.enqueue(encoder.encode(next.value))
        } catch (err) {
          log.error({ err }, 'export stream failed')
          controller.error(err)
        }
      },
      async cancel() {
        await it.return?.(undefined)
      },
    },
    { highWaterMark: 0 },
  )
}

const attachment = (fileName: string, contentType: string) => ({
  'Content-Type': contentType,
  'Content-Disposition': `attachment; filename="${fileName}"`,
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
})

export function exportRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/download-now`,
      tags,
      summary: 'Export now: the file is streamed as it is read (owner and admin)',
      description: `Constant memory on the server whatever the size (rows are read 1,000 at a time). ${FORMAT_DOC}`,
      request: {
        params: OrgParam,
        query: z.object({
          kind: z.enum(EXPORT_KINDS),
          format: z.enum(EXPORT_FORMATS).default('csv'),
          ...ExportFiltersSchema.shape,
        }),
      },
      responses: {
        200: fileResponse('The export, as an attachment'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { kind, format, ...filters } = c.req.valid('query')
      const file = await downloadNow({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, kind, format, filters },
      })
      return c.body(pulled(file.chunks(), c.get('log')), 200, attachment(file.fileName, file.contentType))
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags,
      summary: 'Start a background export; download it from its link when completed (owner and admin)',
      description: `At most 5 exports queued or running per organization (409 OVER_LIMIT). ${FORMAT_DOC}`,
      request: {
        params: OrgParam,
        body: jsonBody(
          z
            .object({
              kind: z.enum(EXPORT_KINDS),
              format: z.enum(EXPORT_FORMATS),
              filters: FiltersSchema.default({}),
            })
            .strict(),
        ),
      },
      responses: {
        202: jsonResponse(z.object({ export: ExportSchema }), 'Queued'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) =>
      c.json(
        {
          export: await createExport({
            ctx: actorCtx(c),
            input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
          }),
        },
        202,
      ),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags,
      summary: 'The 20 latest exports, newest first (owner and admin)',
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(z.object({ exports: z.array(ExportSchema) }), 'Exports'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        {
          exports: await listExports({
            ctx: actorCtx(c),
            input: { organizationId: c.req.valid('param').id },
          }),
        },
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{exportId}`,
      tags,
      summary: 'One export, with its progress (owner and admin)',
      request: { params: ExportParam },
      responses: {
        200: jsonResponse(z.object({ export: ExportSchema }), 'Export'),
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const p = c.req.valid('param')
      return c.json(
        {
          export: await getExport({
            ctx: actorCtx(c),
            input: { organizationId: p.id, exportId: p.exportId },
          }),
        },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${base}/{exportId}`,
      tags,
      summary: 'Delete an export and its file (owner and admin)',
      request: { params: ExportParam },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const p = c.req.valid('param')
      await deleteExport({ ctx: actorCtx(c), input: { organizationId: p.id, exportId: p.exportId } })
      return c.body(null, 204)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/exports/{exportId}/file',
      tags,
      summary: "A background export's file, through its signed link (no session needed)",
      description:
        'The `downloadUrl` of a completed export. A wrong token, or a link past its expiry, answers 404.',
      request: {
        params: z.object({ exportId: z.string() }),
        query: z.object({ token: z.string().max(200) }),
      },
      responses: {
        200: fileResponse('The file, as an attachment'),
        ...errorResponses('BAD_REQUEST', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const file = await exportFile({
        ctx: systemCtx(c),
        input: { exportId: c.req.valid('param').exportId, token: c.req.valid('query').token },
      })
      const size = await stat(file.path).then(
        (s) => s.size,
        () => {
          throw new NotFound('Export')
        },
      )
      const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>
      return c.body(body, 200, {
        ...attachment(file.fileName, file.contentType),
        'Content-Length': String(size),
      })
    },
  )

  return app
}
