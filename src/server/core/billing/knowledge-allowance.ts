import { eq, sql } from 'drizzle-orm'
import { PLANS } from '../../../shared/plans.js'
import { oneRow, type Tx } from '../../db/client.js'
import { knowledgeSources, organizations } from '../../db/schema/index.js'
import { entitlementsOf, PlanRequired } from './entitlements.js'

type OrganizationRow = typeof organizations.$inferSelect
type PlanType = OrganizationRow['planType']

/**
 * What a knowledge base holds: its sources, and its total characters — the sum of the sources'
 * text (`content`: a text, an FAQ answer, the profile, a file's extracted text; a file still
 * being read counts 0). One SQL statement.
 */
export async function knowledgeUsageOf(tx: Tx, organizationId: string, exceptSourceId?: string) {
  const row = oneRow(
    await tx
      .select({
        sources: sql<number>`count(*)`.mapWith(Number),
        chars: sql<number>`coalesce(sum(char_length(${knowledgeSources.content})), 0)`.mapWith(Number),
      })
      .from(knowledgeSources)
      .where(
        exceptSourceId === undefined
          ? eq(knowledgeSources.organizationId, organizationId)
          : sql`${knowledgeSources.organizationId} = ${organizationId} and ${knowledgeSources.id} <> ${exceptSourceId}`,
      ),
    'knowledge usage',
  )
  return row
}

/** The cheapest plan above `current` whose knowledge allowance passes `fits`, for the 402's requiredPlan. */
function planAbove(current: PlanType, fits: (k: (typeof PLANS)[PlanType]['knowledge']) => boolean): PlanType {
  const order = Object.keys(PLANS) as PlanType[]
  const found = order.slice(order.indexOf(current) + 1).find((p) => fits(PLANS[p].knowledge))
  return found ?? 'enterprise'
}

const fmt = (n: number) => n.toLocaleString('en-US')
const mb = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`

/**
 * Locks the organization row and checks that adding to its knowledge stays within the plan:
 * a new source under maxSources, a file within maxFileBytes, characters within maxTotalChars.
 * Throws 402 PLAN_REQUIRED (feature `knowledge`) naming the plan that would allow it. Business
 * organizations only: a personal knowledge base has no plan to upgrade. Returns nothing.
 */
export async function assertKnowledgeRoom(
  tx: Tx,
  organizationId: string,
  add: { newSource?: boolean; fileBytes?: number; chars?: number; replacingSourceId?: string },
) {
  const [org] = await tx
    .select()
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .for('update')
  if (org?.kind !== 'business') return
  const k = entitlementsOf(org).knowledge
  const plan = PLANS[org.planType].label
  if (add.fileBytes !== undefined && add.fileBytes > k.maxFileBytes) {
    const size = add.fileBytes
    throw new PlanRequired(
      'knowledge',
      org.planType,
      planAbove(org.planType, (p) => p.maxFileBytes >= size),
      `Files on the ${plan} plan can be up to ${mb(k.maxFileBytes)} (this one is ${mb(size)})`,
    )
  }
  if (!add.newSource && add.chars === undefined) return
  const usage = await knowledgeUsageOf(tx, organizationId, add.replacingSourceId)
  if (add.newSource && usage.sources >= k.maxSources) {
    throw new PlanRequired(
      'knowledge',
      org.planType,
      planAbove(org.planType, (p) => p.maxSources > usage.sources),
      `The ${plan} plan holds ${fmt(k.maxSources)} knowledge sources: delete one or upgrade to add another`,
    )
  }
  if (add.chars !== undefined && usage.chars + add.chars > k.maxTotalChars) {
    const total = usage.chars + add.chars
    throw new PlanRequired(
      'knowledge',
      org.planType,
      planAbove(org.planType, (p) => p.maxTotalChars >= total),
      `The ${plan} plan trains on up to ${fmt(k.maxTotalChars)} characters of knowledge; this would make ${fmt(total)}`,
    )
  }
}
