import { desc, eq } from 'drizzle-orm'
import { organizations, phoneNumbers } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { Forbidden } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { phoneNumberView } from './view.js'

/** The organization's numbers, newest first, history included. */
export async function listNumbers({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'org:read')
  const rows = await ctx.db
    .select()
    .from(phoneNumbers)
    .where(eq(phoneNumbers.organizationId, input.organizationId))
    .orderBy(desc(phoneNumbers.createdAt))
  return rows.map(phoneNumberView)
}

/** Operator view: every number on the platform with its organization, for reconciliation with Twilio. */
export async function listAllNumbers({ ctx }: { ctx: ActorCtx }) {
  if (!ctx.actor.isOperator)
    throw new Forbidden('Only platform operators (OPERATOR_EMAILS) can see every number')
  const rows = await ctx.db
    .select({ number: phoneNumbers, organizationName: organizations.name })
    .from(phoneNumbers)
    .innerJoin(organizations, eq(organizations.id, phoneNumbers.organizationId))
    .orderBy(desc(phoneNumbers.createdAt))
  const numbers = rows.map((r) => ({
    ...phoneNumberView(r.number),
    organizationId: r.number.organizationId,
    organizationName: r.organizationName,
    providerNumberSid: r.number.providerNumberSid,
    senderSid: r.number.senderSid,
  }))
  // Numbers the provider account holds that no live row knows: bought but never recorded.
  let orphans: { sid: string; phoneNumber: string }[] | null = null
  try {
    const known = new Set(
      rows.filter((r) => r.number.status !== 'released').map((r) => r.number.providerNumberSid),
    )
    orphans = (await ctx.telephony.listNumbers())
      .filter((n) => !known.has(n.sid))
      .map((n) => ({ sid: n.sid, phoneNumber: n.phoneNumber }))
  } catch (err) {
    ctx.log.warn({ err }, 'listing the provider account failed')
  }
  return { numbers, orphans }
}
