import { useState } from 'react'
import { useRecipients } from '../../../api/broadcasts'
import type { RecipientStatus } from '../../../api/types'
import { Button } from '../../../components/Button'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { SelectField } from '../../../components/Field'
import { formatDateTime, formatPhone } from '../../../components/format'
import { TableHead } from '../../../components/TableHead'
import { RECIPIENT_STATUSES, RecipientStatusBadge, reasonLabel } from './BroadcastBadges'

const PAGE_SIZE = 50

/** Who was messaged, with each one's status and why a message was skipped or failed; a page at a time. */
export function RecipientsTable({
  orgId,
  broadcastId,
  version,
}: {
  orgId: string
  broadcastId: string
  /** The broadcast's status and counts: the rows are asked again when they change. */
  version: string
}) {
  const [status, setStatus] = useState<RecipientStatus | ''>('')
  // The cursors of the pages before this one, so "Previous" can go back (the API only goes forward).
  const [cursors, setCursors] = useState<string[]>([])
  const cursor = cursors.at(-1)
  const page = useRecipients(
    orgId,
    broadcastId,
    { status: status || undefined, cursor, limit: PAGE_SIZE },
    version,
  )
  const rows = page.data?.recipients ?? []
  const nextCursor = page.data?.nextCursor ?? null

  return (
    <div className="space-y-3">
      <div className="max-w-xs">
        <SelectField
          id="bc-recipient-status"
          label="Show"
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as RecipientStatus | '')
            setCursors([])
          }}
        >
          <option value="">Every recipient</option>
          {RECIPIENT_STATUSES.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </SelectField>
      </div>
      {page.isPending ? (
        <LoadingBlock label="Loading the recipients…" />
      ) : page.isError ? (
        <ErrorNotice error={page.error} title="Could not load the recipients" />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="recipients-table">
            <TableHead caption="Recipients" columns={['Contact', 'Number', 'Status', 'Reason', 'Updated']} />
            <tbody className="divide-y divide-slate-100">
              {rows.length === 0 && (
                <tr>
                  <td colSpan={5} className="py-3 text-slate-600">
                    {status ? 'No recipient has this status.' : 'No recipients.'}
                  </td>
                </tr>
              )}
              {rows.map((r) => (
                <tr key={r.id} data-testid="recipient-row" data-status={r.status}>
                  <td className="py-2 pr-3">{r.displayName}</td>
                  <td className="py-2 pr-3 font-mono">{formatPhone(r.phone, 'international')}</td>
                  <td className="py-2 pr-3">
                    <RecipientStatusBadge status={r.status} />
                  </td>
                  <td className="py-2 pr-3 text-slate-700" data-testid="recipient-reason">
                    {reasonLabel(r.reason)}
                  </td>
                  <td className="py-2 text-slate-600">{formatDateTime(r.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 0 || nextCursor) && (
        <nav className="flex items-center gap-2" aria-label="Recipient pages">
          <Button
            variant="secondary"
            disabled={cursors.length === 0}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous
          </Button>
          <span className="text-sm text-slate-600">Page {cursors.length + 1}</span>
          <Button
            variant="secondary"
            disabled={!nextCursor || page.isPlaceholderData}
            onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])}
          >
            Next
          </Button>
        </nav>
      )}
    </div>
  )
}
