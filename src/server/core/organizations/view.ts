import { and, count, desc, eq, inArray, notInArray, sql } from 'drizzle-orm'
import type { Tx } from '../../db/client.js'
import { conversations, monthlyUsage, organizations, phoneNumbers } from '../../db/schema/index.js'
import type { MemberRole } from '../members/permissions.js'
import { monthKey, monthStart } from '../usage/month.js'
import { PLAN_LIMITS } from './schemas.js'

type OrganizationRow = typeof organizations.$inferSelect

export const monthlyLimitOf = (org: Pick<OrganizationRow, 'planType' | 'monthlyMessageLimitOverride'>) =>
  org.monthlyMessageLimitOverride ?? PLAN_LIMITS[org.planType]

/** The organization as the API shows it (SPEC §4), for one member's role. */
export async function organizationViews(
  db: Tx,
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
      ai: { provider: 'builtin', ...org.ai },
      isModelTrained:
        org.trainingStatus === 'trained' || (org.trainedAt !== null && org.knowledgeGeneration > 0),
      trainingStatus: org.trainingStatus,
      trainingProgress: org.trainingProgress,
      trainingError: org.trainingError,
      trainedAt: org.trainedAt?.toISOString() ?? null,
      role,
      createdAt: org.createdAt.toISOString(),
      updatedAt: org.updatedAt.toISOString(),
    }
  })
}

export type OrganizationView = Awaited<ReturnType<typeof organizationViews>>[number]

export async function organizationView(db: Tx, org: OrganizationRow, role: MemberRole, now = new Date()) {
  const [view] = await organizationViews(db, [{ org, role }], now)
  return view
}

export async function loadOrganization(db: Tx, id: string) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, id)).limit(1)
  return org
}
