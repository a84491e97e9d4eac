import { createHash } from 'node:crypto'
import { and, asc, eq, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import {
  experimentAssignments,
  experiments,
  experimentVariants,
  type VariantSettings,
} from '../../db/schema/index.js'

export interface WeightedVariant {
  id: string
  weight: number
}

/**
 * A point in [0, 1) fixed by the experiment and the contact: the first 48 bits of
 * SHA-256(experimentId:contactId). Deterministic, so two processes answering the same contact at
 * once pick the same variant, and independent between experiments (a contact is not always first).
 */
export function assignmentPoint(experimentId: string, contactId: string): number {
  const digest = createHash('sha256').update(`${experimentId}:${contactId}`).digest()
  return digest.readUIntBE(0, 6) / 2 ** 48
}

/**
 * The variant a contact falls into: the point taken along the variants' cumulative weights (in the
 * order given, which must be stable: creation order). Null without variants.
 */
export function chooseVariant<V extends WeightedVariant>(
  experimentId: string,
  contactId: string,
  variants: readonly V[],
): V | null {
  const total = variants.reduce((sum, v) => sum + Math.max(v.weight, 0), 0)
  if (total <= 0) return null
  const target = assignmentPoint(experimentId, contactId) * total
  let cumulative = 0
  for (const v of variants) {
    cumulative += Math.max(v.weight, 0)
    if (target < cumulative) return v
  }
  return variants.at(-1) ?? null
}

/**
 * The experiment variant a contact gets, or null when the organization runs no experiment. Sticky:
 * the first choice is stored (experiment_assignments) and read back ever after, so a weight never
 * moves a contact once assigned; two concurrent first messages insert the same row (the choice is
 * deterministic) and the conflict is read back.
 */
export async function variantFor(
  db: Tx,
  input: { organizationId: string; contactId: string },
): Promise<{ variantId: string; settings: VariantSettings } | null> {
  const variants = await db
    .select({
      experimentId: experiments.id,
      id: experimentVariants.id,
      weight: experimentVariants.weight,
      settings: experimentVariants.settings,
      assigned: sql<string | null>`(
        select a.variant_id from experiment_assignments a
        where a.experiment_id = ${experiments.id} and a.contact_id = ${input.contactId}
          and a.organization_id = ${input.organizationId})`,
    })
    .from(experiments)
    .innerJoin(
      experimentVariants,
      and(
        eq(experimentVariants.experimentId, experiments.id),
        eq(experimentVariants.organizationId, input.organizationId),
      ),
    )
    .where(and(eq(experiments.organizationId, input.organizationId), eq(experiments.status, 'running')))
    .orderBy(asc(experimentVariants.createdAt), asc(experimentVariants.id))
  const experimentId = variants[0]?.experimentId
  if (!experimentId) return null
  const assigned = variants[0]?.assigned
  const sticky = assigned ? variants.find((v) => v.id === assigned) : undefined
  if (sticky) return { variantId: sticky.id, settings: sticky.settings }

  const chosen = chooseVariant(experimentId, input.contactId, variants)
  if (!chosen) return null
  const inserted = await db
    .insert(experimentAssignments)
    .values({
      experimentId,
      contactId: input.contactId,
      organizationId: input.organizationId,
      variantId: chosen.id,
    })
    .onConflictDoNothing()
    .returning({ variantId: experimentAssignments.variantId })
  if (inserted.length > 0) return { variantId: chosen.id, settings: chosen.settings }
  // Another process assigned the contact meanwhile: its choice stands.
  const [row] = await db
    .select({ variantId: experimentAssignments.variantId })
    .from(experimentAssignments)
    .where(
      and(
        eq(experimentAssignments.experimentId, experimentId),
        eq(experimentAssignments.contactId, input.contactId),
      ),
    )
  const winner = variants.find((v) => v.id === row?.variantId) ?? chosen
  return { variantId: winner.id, settings: winner.settings }
}
