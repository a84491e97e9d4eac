import type { Tx } from '../../db/client.js'
import type { VariantSettings } from '../../db/schema/index.js'

/** The experiment variant a contact gets (sticky, by weight), or null without a running experiment (experiments helper implements). */
export async function variantFor(
  _db: Tx,
  _input: { organizationId: string; contactId: string },
): Promise<{ variantId: string; settings: VariantSettings } | null> {
  return null
}
