import type { Ctx } from '../context.js'

/** A model grades an AI answer against its passages (quality helper implements). */
export async function gradeAnswer(_: {
  ctx: Ctx
  input: { organizationId: string; messageId: string }
}): Promise<void> {}
