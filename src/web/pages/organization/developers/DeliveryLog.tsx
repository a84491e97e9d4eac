import { useEffect, useRef, useState } from 'react'
import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../../shared/enums'
import { useDeliveries, useRefreshWebhookCounts } from '../../../api/developers'
import { Button } from '../../../components/Button'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { SelectField } from '../../../components/Field'
import { formatDateTime } from '../../../components/format'
import { TableHead } from '../../../components/TableHead'
import { DeliveryDetailModal } from './DeliveryDetailModal'
import { DELIVERY_STATUS_LABELS, DeliveryStatusBadge } from './DeveloperBadges'

const PAGE_SIZE = 20
const cell = 'py-2 pr-3'

/** An endpoint's deliveries, newest first, a page at a time; a delivery opens with its attempts. */
export function DeliveryLog({ orgId, webhookId }: { orgId: string; webhookId: string }) {
  const [status, setStatus] = useState<DeliveryStatus | ''>('')
  // The cursors of the pages before this one, so "Previous" can go back (the API only goes forward).
  const [cursors, setCursors] = useState<string[]>([])
  const [opened, setOpened] = useState<string | null>(null)
  const page = useDeliveries(orgId, webhookId, {
    status: status || undefined,
    cursor: cursors.at(-1),
    limit: PAGE_SIZE,
  })
  const rows = page.data?.deliveries ?? []
  const nextCursor = page.data?.nextCursor ?? null
  const filterId = `delivery-status-${webhookId}`
  const refreshCounts = useRefreshWebhookCounts(orgId)
  // The statuses on this page: when one changes (a pending delivery settled), the counts above follow.
  const statuses = rows.map((d) => `${d.id}:${d.status}`).join(',')
  const seen = useRef(statuses)
  useEffect(() => {
    if (seen.current === statuses) return
    seen.current = statuses
    refreshCounts()
  }, [statuses, refreshCounts])

  return (
    <div className="space-y-3" data-testid="delivery-log">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="w-48">
          <SelectField
            id={filterId}
            label="Show"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as DeliveryStatus | '')
              setCursors([])
            }}
          >
            <option value="">Every delivery</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s} value={s}>
                {DELIVERY_STATUS_LABELS[s].label}
              </option>
            ))}
          </SelectField>
        </div>
        {rows.some((d) => d.status === 'pending') && (
          <p className="text-xs text-slate-600">Deliveries on their way: this log updates by itself.</p>
        )}
      </div>
      {page.isPending ? (
        <LoadingBlock label="Loading the deliveries…" />
      ) : page.isError ? (
        <ErrorNotice error={page.error} title="Could not load the deliveries" />
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="deliveries-table">
            <TableHead
              caption="Deliveries"
              columns={[
                'Event',
                'Status',
                'Attempts',
                'Last response',
                'Time',
                { key: 'details', label: <span className="sr-only">Details</span> },
              ]}
            />
            <tbody className="divide-y divide-slate-100">
              {rows.length === 0 && (
                <tr>
                  <td colSpan={6} className="py-3 text-slate-600">
                    {status
                      ? 'No delivery has this status.'
                      : 'Nothing sent yet. Press “Send test event” to try the endpoint.'}
                  </td>
                </tr>
              )}
              {rows.map((d) => (
                <tr key={d.id} data-testid="delivery-row" data-status={d.status} data-event={d.eventType}>
                  <td className={cell}>
                    <code>{d.eventType}</code>
                  </td>
                  <td className={cell}>
                    <DeliveryStatusBadge status={d.status} />
                  </td>
                  <td className={cell}>{d.attempts}</td>
                  <td className={`${cell} text-slate-700`} title={d.lastError ?? undefined}>
                    {d.lastStatusCode ?? (d.lastError ? 'No response' : '—')}
                  </td>
                  <td className={`${cell} whitespace-nowrap text-slate-700`}>
                    {formatDateTime(d.deliveredAt ?? d.createdAt)}
                  </td>
                  <td className={`${cell} text-right`}>
                    <Button variant="ghost" onClick={() => setOpened(d.id)}>
                      Details
                      <span className="sr-only">
                        {' '}
                        of {d.eventType} at {formatDateTime(d.createdAt)}
                      </span>
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 0 || nextCursor) && (
        <div className="flex justify-end gap-2">
          <Button
            variant="secondary"
            disabled={cursors.length === 0}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Newer
          </Button>
          <Button
            variant="secondary"
            disabled={!nextCursor}
            onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])}
          >
            Older
          </Button>
        </div>
      )}
      <DeliveryDetailModal
        orgId={orgId}
        webhookId={webhookId}
        deliveryId={opened}
        onClose={() => setOpened(null)}
      />
    </div>
  )
}
