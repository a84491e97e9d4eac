import { desc, eq } from 'drizzle-orm'
import { billingInvoices } from '../../db/schema/index.js'
import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'

/** The organization's invoices as Stripe last described them, newest first (owners). */
export async function listInvoices({ ctx, input }: { ctx: ActorCtx; input: { organizationId: string } }) {
  await authorizeOrganization(ctx, input.organizationId, 'org:billing')
  const rows = await ctx.db
    .select()
    .from(billingInvoices)
    .where(eq(billingInvoices.organizationId, input.organizationId))
    .orderBy(desc(billingInvoices.stripeCreatedAt))
    .limit(100)
  return {
    invoices: rows.map((r) => ({
      id: r.id,
      number: r.number,
      status: r.status,
      currency: r.currency,
      amountDue: r.amountDue,
      amountPaid: r.amountPaid,
      hostedInvoiceUrl: r.hostedInvoiceUrl,
      invoicePdf: r.invoicePdf,
      periodStart: r.periodStart?.toISOString() ?? null,
      periodEnd: r.periodEnd?.toISOString() ?? null,
      createdAt: r.stripeCreatedAt.toISOString(),
    })),
  }
}
