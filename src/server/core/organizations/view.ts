import { and, count, desc, eq, inArray, max, notInArray, sql } from 'drizzle-orm'
import { PLANS } from '../../../shared/plans.js'
import type { Config } from '../../config.js'
import type { Tx } from '../../db/client.js'
import { contacts, conversations, monthlyUsage, organizations, phoneNumbers } from '../../db/schema/index.js'
import { chooseModel, type ModelChoice } from '../../providers/ai/models.js'
import type { MemberRole } from '../members/permissions.js'
import { monthKey, monthStart } from '../usage/month.js'

type OrganizationRow = typeof organizations.$inferSelect

/** The messages the organization's plan (or an operator's override) includes each month. */
export const monthlyLimitOf = (org: Pick<OrganizationRow, 'planType' | 'monthlyMessageLimitOverride'>) =>
  org.monthlyMessageLimitOverride ?? PLANS[org.planType].monthlyMessages

/**
 * The messages the organization may have counted this month: the included ones plus the overage
 * billing allows (0 unless the owner chose to have messages beyond the limit billed). Every check
 * that refuses a message over the limit uses this; monthlyLimitOf stays what the plan includes.
 */
export const sendableLimitOf = (
  org: Pick<OrganizationRow, 'planType' | 'monthlyMessageLimitOverride' | 'overageAllowance'>,
) => monthlyLimitOf(org) + Math.max(0, org.overageAllowance)

const modelView = (choice: ModelChoice) => ({ provider: choice.provider, model: choice.modelId })

/**
 * What answers the organization's customers: its own choice when this deployment has that provider,
 * else the platform default. Computed by the reply path's own chooseModel, so it cannot disagree
 * with the model recorded on the replies.
 */
export function aiModelView(config: Config, ai: { provider?: string; model?: string }) {
  return { effective: modelView(chooseModel(config, ai)), default: modelView(chooseModel(config, {})) }
}

/** The organization as the API shows it, for one member's role. */
export async function organizationViews(
  db: Tx,
  config: Config,
  rows: { org: OrganizationRow; role: MemberRole }[],
  now = new Date(),
) {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.org.id)
  const numbers = await db
    .select()
    .from(phoneNumbers)
    .where(and(inArray(phoneNumbers.organizationId, ids), notInArray(phoneNumbers.status, ['released'])))
    .orderBy(desc(phoneNumbers.createdAt))
  const usage = await db.select().from(monthlyUsage).where(inArray(monthlyUsage.organizationId, ids))
  const conversationCounts = await db
    .select({
      organizationId: conversations.organizationId,
      n: count(),
      attention: sql<number>`count(*) filter (where ${conversations.needsAttention})`.mapWith(Number),
    })
    .from(conversations)
    .where(inArray(conversations.organizationId, ids))
    .groupBy(conversations.organizationId)
  // The last real customer message (the simulator's excluded): conversations keep it, written with
  // the message itself, so showing it costs the webhook path nothing.
  const lastInbound = await db
    .select({ organizationId: conversations.organizationId, at: max(conversations.lastInboundAt) })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(inArray(conversations.organizationId, ids), eq(contacts.simulated, false)))
    .groupBy(conversations.organizationId)
  return rows.map(({ org, role }) => {
    const tz = org.businessHours.timezone
    const month = monthKey(now, tz)
    const used = usage.find((u) => u.organizationId === org.id && u.month === month)
    const own = numbers.filter((n) => n.organizationId === org.id)
    const active =
      own.find((n) => n.status === 'active' && n.isPrimary) ?? own.find((n) => n.status === 'active')
    const current = active ?? own[0]
    return {
      id: org.id,
      name: org.name,
      description: org.description,
      industry: org.industry,
      whatsappNumber: active?.e164 ?? null,
      whatsappDisplayName: org.whatsappDisplayName ?? org.name,
      numberStatus: current?.status ?? 'none',
      numberFailureReason: current?.status === 'failed' ? current.failureReason : null,
      planType: org.planType,
      monthlyMessageLimit: monthlyLimitOf(org),
      monthlyMessageCount: used?.messageCount ?? 0,
      lastResetDate: monthStart(now, tz).toISOString(),
      totalConversations: conversationCounts.find((c) => c.organizationId === org.id)?.n ?? 0,
      /** Conversations handed to a human or flagged for the team: the dashboard's badge. */
      conversationsNeedingAttention:
        conversationCounts.find((c) => c.organizationId === org.id)?.attention ?? 0,
      welcomeMessage: org.welcomeMessage,
      businessHours: org.businessHours,
      // The organization's own choice (no provider: the platform default); aiModel says what answers.
      ai: org.ai,
      aiModel: aiModelView(config, org.ai),
      isModelTrained:
        org.trainingStatus === 'trained' || (org.trainedAt !== null && org.knowledgeGeneration > 0),
      trainingStatus: org.trainingStatus,
      trainingProgress: org.trainingProgress,
      trainingError: org.trainingError,
      trainedAt: org.trainedAt?.toISOString() ?? null,
      lastInboundAt: lastInbound.find((l) => l.organizationId === org.id)?.at?.toISOString() ?? null,
      retentionDays: org.retentionDays,
      role,
      createdAt: org.createdAt.toISOString(),
      updatedAt: org.updatedAt.toISOString(),
    }
  })
}

export type OrganizationView = Awaited<ReturnType<typeof organizationViews>>[number]

export async function organizationView(
  db: Tx,
  config: Config,
  org: OrganizationRow,
  role: MemberRole,
  now = new Date(),
) {
  const [view] = await organizationViews(db, config, [{ org, role }], now)
  if (!view) throw new Error('organizationViews returned no view for the one organization it was given')
  return view
}

export async function loadOrganization(db: Tx, id: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, id)).limit(1)
  return org
}
