import { createRoute, z } from '@hono/zod-openapi'
import { IMPORT_STATUSES } from '../../../shared/enums.js'
import { countContacts } from '../../core/contacts/count-contacts.js'
import { createContact } from '../../core/contacts/create-contact.js'
import { deleteContact } from '../../core/contacts/delete-contact.js'
import { getContact } from '../../core/contacts/get-contact.js'
import { getImport, listImports } from '../../core/contacts/import-view.js'
import { listContacts } from '../../core/contacts/list-contacts.js'
import { previewImport } from '../../core/contacts/preview-import.js'
import {
  BulkTagInput,
  ContactFilterSchema,
  CreateContactInput,
  UpdateContactInput,
} from '../../core/contacts/schemas.js'
import { startImport } from '../../core/contacts/start-import.js'
import { tagContacts } from '../../core/contacts/tag-contacts.js'
import { updateContact } from '../../core/contacts/update-contact.js'
import { actorCtx } from '../context.js'
import { errorResponses } from '../errors.js'
import { createRouter, jsonBody, jsonResponse } from '../router.js'
import { ContactFilterDoc, segmentRoutes } from './segments.js'
import { tagRoutes } from './tags.js'

export const ContactSchema = z
  .object({
    id: z.string(),
    phone: z.string().openapi({ description: 'E.164, the WhatsApp number', example: '+14155550123' }),
    name: z.string().nullable().openapi({ description: "The business's own name for the customer" }),
    profileName: z.string().nullable().openapi({ description: 'The WhatsApp profile name, if they wrote' }),
    displayName: z.string().openapi({ description: 'name, else profileName, else phone' }),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.string()),
    notes: z.string().nullable(),
    optedOut: z
      .boolean()
      .openapi({ description: 'The customer sent STOP: never messaged until they send START' }),
    optedOutAt: z.string().nullable(),
    optedIn: z.boolean().openapi({ description: 'Consent to messages the business starts (broadcasts)' }),
    optedInAt: z.string().nullable(),
    firstSeenAt: z.string(),
    lastSeenAt: z
      .string()
      .nullable()
      .openapi({ description: "The customer's last message; null if they never wrote" }),
    conversationId: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi('Contact')

const OrgParam = z.object({ id: z.string() })

const RowErrorSchema = z.object({ line: z.number().int(), message: z.string() }).openapi('ImportRowError')

export const ImportSchema = z
  .object({
    id: z.string(),
    fileName: z.string(),
    status: z.enum(IMPORT_STATUSES),
    totalRows: z.number().int(),
    processedRows: z.number().int(),
    createdCount: z.number().int(),
    updatedCount: z.number().int(),
    errorCount: z.number().int(),
    errors: z.array(RowErrorSchema).openapi({ description: 'The first 100 row errors, by line' }),
    failureReason: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('ContactImport')

const ImportRowSchema = z
  .object({
    line: z.number().int().openapi({ description: 'Line in the file (the header is line 1)' }),
    phone: z.string().nullable(),
    name: z.string().nullable(),
    tags: z.array(z.string()),
    attributes: z.record(z.string(), z.string()),
    optedIn: z
      .boolean()
      .nullable()
      .openapi({ description: 'null: the opt_in cell is empty (consent unchanged)' }),
    error: z.string().optional(),
  })
  .openapi('ImportPreviewRow')

const FileUpload = z.object({
  file: z
    .instanceof(File, { message: 'attach the CSV in a multipart/form-data field named "file"' })
    .openapi({ type: 'string', format: 'binary' }),
})

const IMPORT_FORMAT =
  'CSV, up to 20 MB and 200,000 rows, with a header row: `phone` (required; E.164 with the country code, spaces and dashes are fine), `name`, `tags` (separated by `;`, `|` or, inside quotes, `,`), `opt_in` (yes/no, true/false, 1/0; empty: consent unchanged); any other column is an attribute (its name lowercased, letters, digits and underscores). A number already a contact is updated, never duplicated: a given name replaces the old one, tags are added, attributes merged, opt_in yes records consent and no clears it. Within one file a later row for the same number wins.'
const ContactParam = z.object({ id: z.string(), contactId: z.string() })
const tags = ['Contacts']
const bool = z.enum(['true', 'false']).transform((v) => v === 'true')

const ListQuery = z.object({
  search: z.string().max(100).optional().openapi({ description: 'Name or number contains' }),
  tags: z.string().max(2_000).optional().openapi({ description: 'Comma-separated tag names' }),
  tagMode: z
    .enum(['any', 'all'])
    .optional()
    .openapi({ description: 'any (default): at least one of the tags' }),
  optedIn: bool.optional(),
  optedOut: bool.optional(),
  lastSeenWithinDays: z.coerce.number().int().optional(),
  lastSeenBeforeDays: z.coerce.number().int().optional(),
  segmentId: z
    .string()
    .optional()
    .openapi({ description: 'Only contacts of this segment (ANDed with the rest)' }),
  cursor: z.string().max(500).optional().openapi({ description: 'nextCursor of the previous page' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export function contactRoutes() {
  const app = createRouter()

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/contacts',
      tags,
      summary: 'Contacts matching the filters, a page at a time (every member)',
      description:
        "Ordered by the customer's last message, most recent first, then contacts who never wrote; ties by id. Pass `nextCursor` back as `cursor` for the next page; `total` counts every match. Simulator customers are never listed.",
      request: { params: OrgParam, query: ListQuery },
      responses: {
        200: jsonResponse(
          z.object({
            contacts: z.array(ContactSchema),
            nextCursor: z.string().nullable(),
            total: z.number().int(),
          }),
          'A page of contacts',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const q = c.req.valid('query')
      const filter = ContactFilterSchema.parse({
        search: q.search,
        tags: q.tags
          ?.split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        tagMode: q.tagMode,
        optedIn: q.optedIn,
        lastSeenWithinDays: q.lastSeenWithinDays,
        lastSeenBeforeDays: q.lastSeenBeforeDays,
      })
      const page = await listContacts({
        ctx: actorCtx(c),
        input: {
          organizationId: c.req.valid('param').id,
          filter,
          optedOut: q.optedOut,
          segmentId: q.segmentId,
          cursor: q.cursor,
          limit: q.limit,
        },
      })
      return c.json(page, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/contacts',
      tags,
      summary: 'Add a contact by hand (agent and up); 409 if the number is already a contact',
      request: { params: OrgParam, body: jsonBody(CreateContactInput) },
      responses: {
        201: jsonResponse(z.object({ contact: ContactSchema }), 'Created'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const contact = await createContact({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
      })
      return c.json({ contact }, 201)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/contacts/tags',
      tags,
      summary: 'Add and/or remove tags on up to 1,000 contacts at once (agent and up)',
      request: { params: OrgParam, body: jsonBody(BulkTagInput) },
      responses: {
        200: jsonResponse(z.object({ updated: z.number().int() }), 'How many contacts were updated'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await tagContacts({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, ...c.req.valid('json') },
        }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/contacts/count',
      tags,
      summary: 'How many contacts a filter means now (every member)',
      request: { params: OrgParam, body: jsonBody(z.object({ filter: ContactFilterDoc }).strict()) },
      responses: {
        200: jsonResponse(
          z.object({
            total: z.number().int(),
            optedIn: z
              .number()
              .int()
              .openapi({ description: 'Consented and not opted out: a broadcast can write to them' }),
            optedOut: z.number().int(),
          }),
          'Counts',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        await countContacts({
          ctx: actorCtx(c),
          input: { organizationId: c.req.valid('param').id, filter: c.req.valid('json').filter },
        }),
        200,
      ),
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/contacts/imports/preview',
      tags,
      summary: 'What importing a CSV would do, without doing it (agent and up)',
      description: IMPORT_FORMAT,
      request: {
        params: OrgParam,
        body: { content: { 'multipart/form-data': { schema: FileUpload } }, required: true },
      },
      responses: {
        200: jsonResponse(
          z.object({
            columns: z.array(z.string()),
            rows: z
              .array(ImportRowSchema)
              .openapi({ description: 'The first 20 rows as they would be imported' }),
            totalRows: z.number().int(),
            errorCount: z.number().int(),
            errors: z.array(RowErrorSchema).openapi({ description: 'The first 100 row errors, by line' }),
          }),
          'The preview',
        ),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { file } = c.req.valid('form')
      const preview = await previewImport({
        ctx: actorCtx(c),
        input: { organizationId: c.req.valid('param').id, bytes: new Uint8Array(await file.arrayBuffer()) },
      })
      return c.json(preview, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/organizations/{id}/contacts/imports',
      tags,
      summary: 'Import contacts from a CSV in the background (agent and up)',
      description: `${IMPORT_FORMAT} The file is checked at once (header, format, row count: a 400 naming the problem, nothing stored); then the answer is 202 with the import \`pending\`, and GET …/contacts/imports/{importId} shows its progress. Rows with errors are reported by line and skipped; the others are imported.`,
      request: {
        params: OrgParam,
        body: { content: { 'multipart/form-data': { schema: FileUpload } }, required: true },
      },
      responses: {
        202: jsonResponse(z.object({ import: ImportSchema }), 'Accepted: importing'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { file } = c.req.valid('form')
      const started = await startImport({
        ctx: actorCtx(c),
        input: {
          organizationId: c.req.valid('param').id,
          fileName: file.name,
          bytes: new Uint8Array(await file.arrayBuffer()),
        },
      })
      return c.json({ import: started }, 202)
    },
  )

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/contacts/imports',
      tags,
      summary: 'The latest 20 imports, newest first (every member)',
      request: { params: OrgParam },
      responses: {
        200: jsonResponse(z.object({ imports: z.array(ImportSchema) }), 'Imports'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) =>
      c.json(
        {
          imports: await listImports({
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
      path: '/api/organizations/{id}/contacts/imports/{importId}',
      tags,
      summary: 'One import with its progress (every member)',
      request: { params: z.object({ id: z.string(), importId: z.string() }) },
      responses: {
        200: jsonResponse(z.object({ import: ImportSchema }), 'The import'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, importId } = c.req.valid('param')
      return c.json(
        { import: await getImport({ ctx: actorCtx(c), input: { organizationId: id, importId } }) },
        200,
      )
    },
  )

  app.route('/', tagRoutes())
  app.route('/', segmentRoutes())

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/organizations/{id}/contacts/{contactId}',
      tags,
      summary: 'One contact (every member)',
      request: { params: ContactParam },
      responses: {
        200: jsonResponse(z.object({ contact: ContactSchema }), 'The contact'),
        ...errorResponses('UNAUTHORIZED', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, contactId } = c.req.valid('param')
      return c.json(
        { contact: await getContact({ ctx: actorCtx(c), input: { organizationId: id, contactId } }) },
        200,
      )
    },
  )

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/api/organizations/{id}/contacts/{contactId}',
      tags,
      summary: 'Edit a contact (agent and up)',
      description:
        'Tags are trimmed and deduplicated (at most 50, 40 characters each; new ones join the tags list); `attributes` replaces the whole map (at most 50 keys of `[a-z0-9_]`, values up to 500 characters); `optedIn: true` records consent now, false clears it. `optedOut: false` on a customer who sent STOP is refused with a 409: only their START opts them back in.',
      request: { params: ContactParam, body: jsonBody(UpdateContactInput) },
      responses: {
        200: jsonResponse(z.object({ contact: ContactSchema }), 'Updated'),
        ...errorResponses('BAD_REQUEST', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'),
      },
    }),
    async (c) => {
      const { id, contactId } = c.req.valid('param')
      const contact = await updateContact({
        ctx: actorCtx(c),
        input: { organizationId: id, contactId, ...c.req.valid('json') },
      })
      return c.json({ contact }, 200)
    },
  )

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/api/organizations/{id}/contacts/{contactId}',
      tags,
      summary: 'Delete a contact with its conversation and messages (owner/admin)',
      request: { params: ContactParam },
      responses: {
        204: { description: 'Deleted' },
        ...errorResponses('UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND'),
      },
    }),
    async (c) => {
      const { id, contactId } = c.req.valid('param')
      await deleteContact({ ctx: actorCtx(c), input: { organizationId: id, contactId } })
      return c.body(null, 204)
    },
  )

  return app
}
