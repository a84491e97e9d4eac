import { useInvoices } from '../../../api/billing'
import { focusRing } from '../../../components/Button'
import { Card, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { formatDate } from '../../../components/format'
import { TableHead } from '../../../components/TableHead'
import { formatMoney } from './planWords'

const STATUS_LABELS: Record<string, string> = {
  paid: 'Paid',
  open: 'Due',
  draft: 'Draft',
  uncollectible: 'Uncollectible',
  void: 'Void',
}

const link = `font-medium text-emerald-700 underline ${focusRing}`

/** Owners: Stripe's invoices, newest first, with links to Stripe's page and PDF. */
export function InvoicesCard({ orgId, subscribed }: { orgId: string; subscribed: boolean }) {
  const invoices = useInvoices(orgId, subscribed)
  return (
    <Card title="Invoices">
      {invoices.isPending ? (
        <LoadingBlock label="Loading the invoices…" lines={3} />
      ) : invoices.isError ? (
        <ErrorNotice error={invoices.error} title="Could not load the invoices" />
      ) : invoices.data.invoices.length === 0 ? (
        <p className="text-sm text-slate-600" data-testid="billing-no-invoices">
          No invoices yet.
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="billing-invoices">
            <TableHead
              caption="Invoices, newest first"
              columns={['Invoice', 'Date', 'Amount', 'Status', 'Links']}
            />
            <tbody className="divide-y divide-slate-100">
              {invoices.data.invoices.map((inv) => (
                <tr key={inv.id} data-testid="billing-invoice" data-status={inv.status}>
                  <td className="py-2 pr-3 font-mono">{inv.number ?? '—'}</td>
                  <td className="py-2 pr-3">{formatDate(inv.createdAt)}</td>
                  <td className="py-2 pr-3 tabular-nums">
                    {formatMoney(inv.status === 'paid' ? inv.amountPaid : inv.amountDue, inv.currency)}
                  </td>
                  <td className="py-2 pr-3">{STATUS_LABELS[inv.status] ?? inv.status}</td>
                  <td className="space-x-3 py-2">
                    {inv.hostedInvoiceUrl && (
                      <a className={link} href={inv.hostedInvoiceUrl} target="_blank" rel="noreferrer">
                        View<span className="sr-only"> invoice {inv.number}</span>
                      </a>
                    )}
                    {inv.invoicePdf && (
                      <a className={link} href={inv.invoicePdf} target="_blank" rel="noreferrer">
                        PDF<span className="sr-only"> of invoice {inv.number}</span>
                      </a>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  )
}
