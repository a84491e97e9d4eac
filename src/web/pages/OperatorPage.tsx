import { useState } from 'react'
import { useAccount } from '../api/account'
import { listedOverrides } from '../api/billing'
import { PLANS, useInboxFailures, useOperatorOrganizations } from '../api/plans'
import type { OperatorOrganization } from '../api/types'
import { Button } from '../components/Button'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../components/Feedback'
import { TextField } from '../components/Field'
import { formatDate, formatDateTime, formatPhone } from '../components/format'
import { overridesSummary } from './organization/billing/OperatorOverrides'
import { OperatorPlanForm } from './organization/settings/PlanSection'

/** Platform operators: every organization with its plan and limit, and the control to change them. */
export function OperatorPage() {
  const account = useAccount()
  const [search, setSearch] = useState('')
  if (account.isPending) return <LoadingBlock label="Loading…" />
  if (!account.data?.isOperator) {
    return (
      <EmptyState title="Operators only">
        This page is for the platform's operators (OPERATOR_EMAILS, with a verified email).
      </EmptyState>
    )
  }
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Plans (operator)</h1>
      <p className="text-sm text-slate-600">
        Organizations start on Starter; here you move them to another plan or give them their own limits (a
        custom deal: messages, numbers, knowledge, each feature on or off). Every change is recorded with your
        name.
      </p>
      <TextField
        id="operator-search"
        label="Find an organization by name"
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <OrganizationList search={search.trim()} />
      <InboxFailures />
    </div>
  )
}

function OrganizationList({ search }: { search: string }) {
  const orgs = useOperatorOrganizations(search)
  if (orgs.isPending) return <LoadingBlock label="Loading organizations…" />
  if (orgs.isError) return <ErrorNotice error={orgs.error} title="Could not load the organizations" />
  if (orgs.data.length === 0) return <EmptyState title="No organization matches" />
  return (
    <ul className="space-y-4" aria-label="Organizations">
      {orgs.data.map((org) => (
        <li key={org.id}>
          <OrganizationPlanCard org={org} />
        </li>
      ))}
    </ul>
  )
}

function OrganizationPlanCard({ org }: { org: OperatorOrganization }) {
  const [editing, setEditing] = useState(false)
  const last = org.planChanges[org.planChanges.length - 1]
  const overrides = overridesSummary(listedOverrides(org))
  return (
    <Card
      title={org.name}
      actions={
        <Button variant="secondary" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
          {editing ? 'Close' : 'Change plan'}
        </Button>
      }
    >
      <div className="space-y-3 text-sm" data-testid="operator-organization">
        <p>
          <span className="font-medium" data-testid="operator-plan-summary">
            {PLANS[org.planType].label} · {org.monthlyMessageLimit.toLocaleString()} messages a month
            {org.monthlyMessageLimitOverride !== null && ' (own limit)'}
          </span>{' '}
          · {org.liveNumbers} live number{org.liveNumbers === 1 ? '' : 's'} · owners:{' '}
          {org.owners.join(', ') || 'none'}
        </p>
        {overrides && (
          <p className="text-slate-700" data-testid="operator-overrides-summary">
            Custom deal: {overrides}
          </p>
        )}
        {last && (
          <p className="text-xs text-slate-500">
            Last change by {last.changedBy} on {formatDate(last.at)}
          </p>
        )}
        {editing && (
          <OperatorPlanForm
            orgId={org.id}
            planType={org.planType}
            monthlyMessageLimit={org.monthlyMessageLimit}
            overrides={listedOverrides(org)}
            idPrefix={`operator-${org.id}`}
          />
        )}
      </div>
    </Card>
  )
}

/** Customer messages the workers gave up on before storing them: no conversation shows them. */
function InboxFailures() {
  const failures = useInboxFailures()
  return (
    <Card title="Customer messages that could not be processed">
      <div className="space-y-3 text-sm" data-testid="inbox-failures">
        <p className="text-slate-600">
          These messages reached a number but failed for good after every retry, before they were stored, so
          no conversation shows them. The newest come first.
        </p>
        {failures.isPending ? (
          <LoadingBlock label="Loading failed messages…" />
        ) : failures.isError ? (
          <ErrorNotice error={failures.error} title="Could not load the failed messages" />
        ) : failures.data.length === 0 ? (
          <EmptyState title="No failed customer messages" />
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Customer messages that could not be processed</caption>
              <thead>
                <tr className="border-b border-slate-200 text-slate-600">
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Received
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Number
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Customer
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Organization
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Attempts
                  </th>
                  <th scope="col" className="py-2 pr-3 font-medium">
                    Error and message
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {failures.data.map((f) => (
                  <tr key={f.id} data-testid="inbox-failure">
                    <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(f.receivedAt)}</td>
                    <td className="py-2 pr-3 font-mono">{formatPhone(f.toNumber, 'international')}</td>
                    <td className="py-2 pr-3 font-mono">
                      {formatPhone(f.fromWaId, 'international')}
                      {f.simulated && <span className="ml-1 text-xs text-slate-500">(simulator)</span>}
                    </td>
                    <td className="py-2 pr-3">{f.organization?.name ?? 'No organization'}</td>
                    <td className="py-2 pr-3">{f.attempts}</td>
                    <td className="py-2 pr-3">
                      <p className="text-red-800" data-testid="inbox-failure-error">
                        {f.lastError ?? 'No error recorded'}
                      </p>
                      {f.bodyPreview && <p className="mt-1 break-words text-slate-600">“{f.bodyPreview}”</p>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Card>
  )
}
