import { and, eq } from 'drizzle-orm'
import { oneRow, type Tx } from '../../db/client.js'
import { organizations, phoneNumbers, user } from '../../db/schema/index.js'
import type { Ctx } from '../context.js'
import { dbOf } from '../context.js'
import { personalKnowledgeBaseOf } from '../knowledge/knowledge-base.js'
import { DEFAULT_AI_SETTINGS, DEFAULT_BUSINESS_HOURS } from '../organizations/schemas.js'

type OrganizationRow = typeof organizations.$inferSelect

/** The one organization row behind the platform's shared number (the default assistant). */
export const PLATFORM_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000001'

export const bareNumber = (address: string) => address.replace(/^whatsapp:/i, '').trim()

/**
 * Who answers a message sent to `to`: the organization whose active number it is; for the
 * platform's shared number, the sender's personal knowledge base when their phone is linked to
 * an account, else the platform's default assistant; otherwise nobody (null).
 */
export async function resolveDestination(
  ctx: Ctx,
  to: string,
  from: string,
): Promise<{ org: OrganizationRow; channelNumber: string } | null> {
  const db = dbOf(ctx)
  const channelNumber = bareNumber(to)
  const [owned] = await db
    .select({ org: organizations })
    .from(phoneNumbers)
    .innerJoin(organizations, eq(organizations.id, phoneNumbers.organizationId))
    .where(and(eq(phoneNumbers.e164, channelNumber), eq(phoneNumbers.status, 'active')))
    .limit(1)
  if (owned) return { org: owned.org, channelNumber }

  const shared = ctx.config.sharedNumber ? bareNumber(ctx.config.sharedNumber) : undefined
  if (!shared || shared !== channelNumber) return null
  const [linked] = await db
    .select({ id: user.id })
    .from(user)
    .where(eq(user.phone, bareNumber(from)))
    .limit(1)
  const org = linked ? await personalKnowledgeBaseOf(db, linked.id) : await platformOrganization(db)
  return { org, channelNumber }
}

async function platformOrganization(db: Tx): Promise<OrganizationRow> {
  await db
    .insert(organizations)
    .values({
      id: PLATFORM_ORGANIZATION_ID,
      kind: 'platform',
      name: 'WhatsApp AI Assistant',
      welcomeMessage:
        'Hello! I am the platform assistant. Ask me anything, or create your own business assistant on our website.',
      businessHours: { ...DEFAULT_BUSINESS_HOURS, enabled: false },
      ai: { ...DEFAULT_AI_SETTINGS },
    })
    .onConflictDoNothing()
  const row = oneRow(
    await db.select().from(organizations).where(eq(organizations.id, PLATFORM_ORGANIZATION_ID)),
    'platform organization',
  )
  return row
}
