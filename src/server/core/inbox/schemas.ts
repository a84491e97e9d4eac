import { z } from '@hono/zod-openapi'

export const AssignInput = z
  .object({
    userId: z
      .string()
      .nullable()
      .openapi({ description: 'A member who may reply (agent and up); null takes the assignment off' }),
  })
  .strict()

export const NoteInput = z.object({ body: z.string().min(1).max(4000) }).strict()

export const CannedReplyInput = z
  .object({ title: z.string().min(1).max(100), body: z.string().min(1).max(4096) })
  .strict()

export const CannedReplyPatch = CannedReplyInput.partial()
  .strict()
  .refine((v) => v.title !== undefined || v.body !== undefined, { message: 'nothing to change' })

export type AssignInput = z.infer<typeof AssignInput>
export type NoteInput = z.infer<typeof NoteInput>
export type CannedReplyInput = z.infer<typeof CannedReplyInput>
export type CannedReplyPatch = z.infer<typeof CannedReplyPatch>
