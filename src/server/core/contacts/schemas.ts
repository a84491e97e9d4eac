import { z } from 'zod'

/** The limits of a contact's labels and facts (the API refuses more with a 400 naming the field). */
export const CONTACT_LIMITS = {
  tagsPerContact: 50,
  tagChars: 40,
  attributesPerContact: 50,
  attributeValueChars: 500,
  nameChars: 200,
  notesChars: 5_000,
  /** Contacts one bulk tag request may name. */
  bulkContacts: 1_000,
} as const

/** An attribute key: lowercase letters, digits and underscores (keys are lowercased first). */
export const ATTRIBUTE_KEY = /^[a-z0-9_]{1,40}$/

/** A tag as stored: trimmed, inner runs of whitespace made one space. */
export const normalizeTagName = (name: string) => name.trim().replace(/\s+/g, ' ')

export const TagNameSchema = z
  .string()
  .transform(normalizeTagName)
  .pipe(
    z
      .string()
      .min(1, 'a tag cannot be empty')
      .max(CONTACT_LIMITS.tagChars, `a tag has at most ${CONTACT_LIMITS.tagChars} characters`)
      // The separators of a CSV's tags cell and of the contacts list's `tags` query.
      .regex(/^[^,;|]*$/, 'a tag cannot contain , ; or |'),
  )

/** Tags of a contact: normalised, duplicates dropped (first one kept), at most 50. */
export const TagListSchema = z
  .array(TagNameSchema)
  .transform((tags) => [...new Set(tags)])
  .pipe(
    z
      .array(z.string())
      .max(CONTACT_LIMITS.tagsPerContact, `a contact has at most ${CONTACT_LIMITS.tagsPerContact} tags`),
  )

/** Attributes: keys lowercased and checked, values strings of at most 500 characters, at most 50 keys. */
export const AttributesSchema = z
  .record(z.string(), z.string().max(CONTACT_LIMITS.attributeValueChars))
  .transform((attrs) =>
    Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k.trim().toLowerCase(), v])),
  )
  .superRefine((attrs, ctx) => {
    const keys = Object.keys(attrs)
    if (keys.length > CONTACT_LIMITS.attributesPerContact)
      ctx.addIssue({
        code: 'custom',
        message: `a contact has at most ${CONTACT_LIMITS.attributesPerContact} attributes`,
      })
    for (const key of keys)
      if (!ATTRIBUTE_KEY.test(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'an attribute key is 1 to 40 lowercase letters, digits or underscores',
        })
  })

const days = z.number().int().min(1).max(36_500)

/**
 * The one schema of a contact filter (segments, the contacts page, broadcast audiences): what
 * `contactFilterWhere` translates to SQL. Unknown fields are refused, so a typo never silently
 * widens an audience.
 */
export const ContactFilterSchema = z
  .object({
    tags: z.array(TagNameSchema).max(CONTACT_LIMITS.tagsPerContact).optional(),
    tagMode: z.enum(['any', 'all']).optional(),
    attributes: AttributesSchema.optional(),
    lastSeenWithinDays: days.optional(),
    lastSeenBeforeDays: days.optional(),
    optedIn: z.boolean().optional(),
    search: z.string().trim().max(100).optional(),
  })
  .strict()

export const nameField = z.string().trim().max(CONTACT_LIMITS.nameChars)
export const notesField = z.string().max(CONTACT_LIMITS.notesChars)

export const CreateContactInput = z
  .object({
    phone: z.string().max(40),
    name: nameField.nullish(),
    tags: TagListSchema.optional(),
    attributes: AttributesSchema.optional(),
    notes: notesField.nullish(),
    optedIn: z.boolean().optional(),
  })
  .strict()

export const UpdateContactInput = z
  .object({
    name: nameField.nullish(),
    tags: TagListSchema.optional(),
    /** Replaces the whole map. */
    attributes: AttributesSchema.optional(),
    notes: notesField.nullish(),
    optedIn: z.boolean().optional(),
    /** true records an opt-out asked for another way; false is refused when the customer sent STOP. */
    optedOut: z.boolean().optional(),
  })
  .strict()

export const BulkTagInput = z
  .object({
    contactIds: z.array(z.string()).min(1).max(CONTACT_LIMITS.bulkContacts),
    add: z.array(TagNameSchema).max(CONTACT_LIMITS.tagsPerContact).optional(),
    remove: z.array(TagNameSchema).max(CONTACT_LIMITS.tagsPerContact).optional(),
  })
  .strict()
  .refine((v) => (v.add?.length ?? 0) + (v.remove?.length ?? 0) > 0, {
    message: 'give tags to add or to remove',
  })

/** A CSS colour #rrggbb (stored lowercase). */
export const ColorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb, e.g. #22c55e')
  .transform((c) => c.toLowerCase())

export const CreateTagInput = z.object({ name: TagNameSchema, color: ColorSchema.optional() }).strict()
export const UpdateTagInput = z
  .object({ name: TagNameSchema.optional(), color: ColorSchema.optional() })
  .strict()

export const segmentName = z.string().trim().min(1).max(100)
export const CreateSegmentInput = z.object({ name: segmentName, filter: ContactFilterSchema }).strict()
export const UpdateSegmentInput = z
  .object({ name: segmentName.optional(), filter: ContactFilterSchema.optional() })
  .strict()

export type CreateContactInput = z.infer<typeof CreateContactInput>
export type UpdateContactInput = z.infer<typeof UpdateContactInput>
export type BulkTagInput = z.infer<typeof BulkTagInput>
