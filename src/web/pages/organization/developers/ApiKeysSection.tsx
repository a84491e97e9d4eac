import { useState } from 'react'
import { planFor } from '../../../../shared/plans'
import { type ApiKey, useApiKeys, useRevokeApiKey } from '../../../api/developers'
import { Button } from '../../../components/Button'
import { ConfirmDeletion } from '../../../components/ConfirmDeletion'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { formatDate, formatDateTime } from '../../../components/format'
import { PlanRequired } from '../../../components/PlanRequired'
import { TableHead } from '../../../components/TableHead'
import { CreateApiKeyModal } from './CreateApiKeyModal'
import { ApiKeyStatusBadge } from './DeveloperBadges'

const cell = 'py-2 pr-3 align-middle'

function ApiKeyRow({ apiKey, onRevoke }: { apiKey: ApiKey; onRevoke: (k: ApiKey) => void }) {
  return (
    <tr data-testid="api-key-row" data-name={apiKey.name} data-status={apiKey.status}>
      <td className={`${cell} font-medium text-slate-900`}>{apiKey.name}</td>
      <td className={`${cell} whitespace-nowrap font-mono text-xs`}>{apiKey.prefix}…</td>
      <td className={cell}>
        <ul className="flex flex-wrap gap-1" aria-label={`Scopes of ${apiKey.name}`}>
          {apiKey.scopes.map((s) => (
            <li key={s}>
              <code className="rounded bg-slate-100 px-1 text-xs text-slate-800">{s}</code>
            </li>
          ))}
        </ul>
      </td>
      <td className={cell}>
        <ApiKeyStatusBadge status={apiKey.status} />
      </td>
      <td className={`${cell} text-slate-700`}>{apiKey.createdByEmail ?? '—'}</td>
      <td className={`${cell} whitespace-nowrap text-slate-700`} data-testid="api-key-last-used">
        {apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : 'Never'}
      </td>
      <td className={`${cell} whitespace-nowrap text-slate-700`}>
        {apiKey.status === 'revoked'
          ? `Revoked ${formatDate(apiKey.revokedAt)}`
          : apiKey.expiresAt
            ? formatDate(apiKey.expiresAt)
            : 'Never'}
      </td>
      <td className={`${cell} text-right`}>
        {apiKey.status !== 'revoked' && (
          <Button variant="ghost" onClick={() => onRevoke(apiKey)}>
            Revoke<span className="sr-only"> {apiKey.name}</span>
          </Button>
        )}
      </td>
    </tr>
  )
}

/** The organization's API keys: who made each, what it may do, when it was last used; create and revoke. */
export function ApiKeysSection({ orgId, allowed }: { orgId: string; allowed: boolean }) {
  const keys = useApiKeys(orgId)
  const revoke = useRevokeApiKey(orgId)
  const [creating, setCreating] = useState(false)
  const [revoking, setRevoking] = useState<ApiKey | null>(null)

  return (
    <Card
      title="API keys"
      actions={allowed ? <Button onClick={() => setCreating(true)}>Create API key</Button> : undefined}
    >
      <p className="mb-3 text-sm text-slate-600">
        A key lets your own software use this organization's API, within the scopes you choose. It works for
        this organization only.
      </p>
      {!allowed && (
        <div className="mb-3">
          <PlanRequired feature="apiAccess" plan={planFor('apiAccess')}>
            Keys made before stay listed but are refused until the plan includes the API again.
          </PlanRequired>
        </div>
      )}
      {keys.isPending ? (
        <LoadingBlock label="Loading the API keys…" />
      ) : keys.isError ? (
        <ErrorNotice error={keys.error} title="Could not load the API keys" />
      ) : keys.data.length === 0 ? (
        <EmptyState title="No API keys yet">
          Create one to send messages, read conversations or sync contacts from your own systems.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="api-keys-table">
            <TableHead
              caption="API keys"
              columns={[
                'Name',
                'Key',
                'Scopes',
                'Status',
                'Created by',
                'Last used',
                'Expires',
                { key: 'actions', label: <span className="sr-only">Actions</span> },
              ]}
            />
            <tbody className="divide-y divide-slate-100">
              {keys.data.map((k) => (
                <ApiKeyRow key={k.id} apiKey={k} onRevoke={setRevoking} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <CreateApiKeyModal orgId={orgId} open={creating} onClose={() => setCreating(false)} />
      <ConfirmDeletion
        target={revoking}
        title="Revoke this API key?"
        confirmLabel="Revoke key"
        deletion={revoke}
        deleted={revoking ? `Key “${revoking.name}” revoked.` : undefined}
        failedTitle="Not revoked"
        onClose={() => setRevoking(null)}
      >
        <p className="text-sm text-slate-700">
          Programs using <strong>{revoking?.name}</strong> (<code>{revoking?.prefix}…</code>) get{' '}
          <code>401 Unauthorized</code> from their next request. This cannot be undone: to give access again,
          create a new key.
        </p>
      </ConfirmDeletion>
    </Card>
  )
}
