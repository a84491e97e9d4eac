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

export const AskInput = z
  .object({
    question: field(4000).min(1, 'required'),
  })
  .strict()

export type ProfileInput = z.infer<typeof ProfileInput>
export type CreateSourceInput = z.infer<typeof CreateSourceInput>
export type UpdateSourceInput = z.infer<typeof UpdateSourceInput>
export type AskInput = z.infer<typeof AskInput>
