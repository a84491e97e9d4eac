import { z } from 'zod'

export const MAX_FILE_BYTES = 10 * 1024 * 1024
const MAX_TEXT = 200_000

/**
 * What reading one uploaded file may produce or cost (docs/knowledge.md lists them for owners).
 * A file over one of them is refused with a 400 naming it (`details[0].limit`) when that is known
 * at once, else the file's source is marked `failed` with the same reason; nothing is kept.
 */
export const EXTRACTION_LIMITS = {
  /** The upload itself. */
  fileBytes: MAX_FILE_BYTES,
  /** Text extracted from one file: as much as the largest plain-text upload could hold. */
  characters: 10_000_000,
  /** Pages of a PDF. */
  pdfPages: 2_000,
  /** Text on one PDF page: far more than any page can show, far less than a page-sized bomb. */
  pdfPageCharacters: 200_000,
  /** Rows of a CSV file (each line is at most one row). */
  csvRows: 100_000,
  /** Files inside a DOCX (zip) archive. */
  zipEntries: 1_000,
  /** What one part of a DOCX may expand to, declared and actually inflated. */
  zipEntryBytes: 32 * 1024 * 1024,
  /** What all parts of a DOCX may expand to together. */
  zipTotalBytes: 64 * 1024 * 1024,
  /** Wall-clock time for reading one file, in its worker thread (terminated when over). */
  extractMs: 60_000,
  /** Wall-clock time for chunking a whole knowledge base in its worker thread. */
  chunkMs: 120_000,
  /** Heap of the worker thread that reads a file or chunks a knowledge base. */
  workerHeapMb: 512,
} as const

export type ExtractionLimit = keyof typeof EXTRACTION_LIMITS

const field = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max.toLocaleString('en-US')} characters`)

export const PROFILE_FIELDS = [
  'name',
  'description',
  'location',
  'openingHours',
  'contact',
  'policies',
  'toneOfVoice',
  'language',
] as const

export const ProfileInput = z
  .object({
    fields: z
      .object({
        name: field(200).optional(),
        description: field(5000).optional(),
        location: field(1000).optional(),
        openingHours: field(2000).optional(),
        contact: field(1000).optional(),
        policies: field(10_000).optional(),
        toneOfVoice: field(500).optional(),
        language: field(50).optional(),
      })
      .strict(),
  })
  .strict()

export const CreateSourceInput = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('faq'),
      question: field(1000).min(1, 'required'),
      content: field(MAX_TEXT).min(1, 'required'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('text'),
      title: field(200).min(1, 'required'),
      content: field(MAX_TEXT).min(1, 'required'),
    })
    .strict(),
])

export const UpdateSourceInput = z
  .object({
    title: field(200).min(1, 'cannot be empty').optional(),
    question: field(1000).min(1, 'cannot be empty').optional(),
    content: field(MAX_TEXT).min(1, 'cannot be empty').optional(),
  })
  .strict()
  .refine((v) => v.title !== undefined || v.question !== undefined || v.content !== undefined, {
    message: 'nothing to change: give title, question or content',
  })

/** Profile fields of the training request under the names the platform's design gives them. */
export const TRAIN_PROFILE_FIELDS = [
  ['businessName', 'name'],
  ['description', 'description'],
  ['location', 'location'],
  ['hours', 'openingHours'],
  ['contact', 'contact'],
  ['policies', 'policies'],
  ['toneOfVoice', 'toneOfVoice'],
  ['language', 'language'],
] as const satisfies readonly (readonly [string, (typeof PROFILE_FIELDS)[number]])[]

export const MAX_FAQS_PER_REQUEST = 500

/**
 * The body of `POST /api/training/train`: knowledge to store before training. Profile fields
 * given replace those fields (an empty string removes one; fields not given are kept); an FAQ
 * replaces the stored FAQ with the same question (compared without case and surrounding spaces),
 * else it is added. Without a body, what is stored is trained.
 */
export const TrainInput = z
  .object({
    businessName: field(200).optional(),
    description: field(5000).optional(),
    location: field(1000).optional(),
    hours: field(2000).optional(),
    contact: field(1000).optional(),
    policies: field(10_000).optional(),
    toneOfVoice: field(500).optional(),
    language: field(50).optional(),
    faqs: z
      .array(
        z
          .object({
            question: field(1000).min(1, 'required'),
            answer: field(MAX_TEXT).min(1, 'required'),
          })
          .strict(),
      )
      .max(MAX_FAQS_PER_REQUEST, `at most ${MAX_FAQS_PER_REQUEST} FAQs in one request`)
      .optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const seen = new Set<string>()
    input.faqs?.forEach((faq, i) => {
      const key = faqKey(faq.question)
      if (seen.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['faqs', i, 'question'], message: 'the same question twice' })
      }
      seen.add(key)
    })
  })

/** How two FAQ questions are recognised as the same one. */
export const faqKey = (question: string) => question.trim().replace(/\s+/g, ' ').toLowerCase()

export const AskInput = z
  .object({
    question: field(4000).min(1, 'required'),
  })
  .strict()

export type ProfileInput = z.infer<typeof ProfileInput>
export type CreateSourceInput = z.infer<typeof CreateSourceInput>
export type UpdateSourceInput = z.infer<typeof UpdateSourceInput>
export type AskInput = z.infer<typeof AskInput>
export type TrainInput = z.infer<typeof TrainInput>
