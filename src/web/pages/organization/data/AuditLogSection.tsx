import { useState } from 'react'
import { AUDIT_ACTIONS, type AuditEntry, useAuditLog } from '../../../api/data'
import type { Organization } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { SelectField } from '../../../components/Field'
import { formatDateTime } from '../../../components/format'
import { TableHead } from '../../../components/TableHead'

/** "member.role_changed" → "Member role changed". */
export const actionLabel = (action: string) => {
  const text = action.replace(/[._]/g, ' ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id)

/** The details as "key: value" pairs on one line (nested values as JSON). */
export function detailsSummary(details: Record<string, unknown>): string {
  const parts = Object.entries(details).map(([key, value]) => {
    const shown = typeof value === 'string' ? value : JSON.stringify(value)
    return `${key}: ${shown && shown.length > 60 ? `${shown.slice(0, 57)}…` : shown}`
  })
  return parts.join(' · ')
}

function EntryRow({ entry }: { entry: AuditEntry }) {
  const details = detailsSummary(entry.details)
  return (
    <tr data-testid="audit-row" data-action={entry.action}>
      <td className="whitespace-nowrap py-2 pr-3">{formatDateTime(entry.createdAt)}</td>
      <td className="py-2 pr-3">{entry.actorLabel}</td>
      <td className="py-2 pr-3">
        <span className="font-medium">{actionLabel(entry.action)}</span>
        <span className="block font-mono text-xs text-slate-600">{entry.action}</span>
      </td>
      <td className="py-2 pr-3">
        {entry.targetType ? (
          <>
            {entry.targetType}
            {entry.targetId && (
              <span className="block font-mono text-xs text-slate-600" title={entry.targetId}>
                {shortId(entry.targetId)}
              </span>
            )}
          </>
        ) : (
          '—'
        )}
      </td>
      <td className="py-2 pr-3 font-mono text-xs" title={entry.userAgent ?? undefined}>
        {entry.ip ?? '—'}
      </td>
      <td className="py-2 text-xs text-slate-700" title={details || undefined}>
        {details || '—'}
      </td>
    </tr>
  )
}

/** Who changed what in the organization, newest first, filtered by action, 50 at a time. */
export function AuditLogSection({ org }: { org: Organization }) {
  const [action, setAction] = useState('')
  const log = useAuditLog(org.id, action)
  const entries = log.data?.pages.flatMap((p) => p.entries) ?? []
  return (
    <Card title="Audit log">
      <div className="space-y-4" data-testid="audit-section">
        <p className="text-sm text-slate-600">
          Every change to the organization — settings, members, numbers, API keys, webhooks, exports,
          erasures, retention — with who made it, when and from which address.
        </p>
        <div className="max-w-xs">
          <SelectField
            id="audit-action"
            label="Show"
            value={action}
            onChange={(e) => setAction(e.target.value)}
          >
            <option value="">Every action</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </SelectField>
        </div>
        {log.isPending ? (
          <LoadingBlock label="Loading the audit log…" />
        ) : log.data === undefined ? (
          <ErrorNotice error={log.error} title="Could not load the audit log" />
        ) : entries.length === 0 ? (
          <EmptyState title={action ? 'No entries for this action' : 'Nothing recorded yet'}>
            Changes made by your team or with an API key will be listed here.
          </EmptyState>
        ) : (
          <>
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="audit-table">
                <TableHead
                  caption="Audit log"
                  columns={['When', 'Who', 'Action', 'Target', 'From', 'Details']}
                />
                <tbody className="divide-y divide-slate-100">
                  {entries.map((e) => (
                    <EntryRow key={e.id} entry={e} />
                  ))}
                </tbody>
              </table>
            </div>
            {log.hasNextPage && (
              <Button variant="secondary" busy={log.isFetchingNextPage} onClick={() => log.fetchNextPage()}>
                Load more
              </Button>
            )}
            {log.isFetchNextPageError && <ErrorNotice error={log.error} title="Could not load more" />}
          </>
        )}
      </div>
    </Card>
  )
}
