import type { Ctx } from '../context.js'
import { toAppError } from './provider-errors.js'
import { heldNumbers, releaseAtProvider } from './release-number.js'

/** Releases every number the organization still holds (before deleting it, so nothing stays billed). */
export async function releaseOrganizationNumbers({
  ctx,
  input,
}: {
  ctx: Ctx
  input: { organizationId: string }
}) {
  for (const number of await heldNumbers(ctx, input.organizationId)) {
    try {
      await releaseAtProvider(ctx, number)
    } catch (err) {
      throw toAppError(err)
    }
  }
}
