import { z } from 'zod'

export const MAX_FILE_BYTES = 10 * 1024 * 1024
const MAX_TEXT = 200_000

const field = (max: number) => z.string().trim().max(max, `at most ${max.toLocaleString('en-US')} characters`)

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
