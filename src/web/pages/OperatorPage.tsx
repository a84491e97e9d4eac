import { useState } from 'react'
import { useAccount } from '../api/account'
import { PLANS, useOperatorOrganizations } from '../api/plans'
import type { OperatorOrganization } from '../api/types'
import { Button } from '../components/Button'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../components/Feedback'
import { TextField } from '../components/Field'
import { formatDate } from '../components/format'
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
        Organizations start on Starter; here you move them to another plan or give them their own monthly
        limit. Every change is recorded with your name.
      </p>
      <TextField
        id="operator-search"
        label="Find an organization by name"
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <OrganizationList search={search.trim()} />
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
            idPrefix={`operator-${org.id}`}
          />
        )}
      </div>
    </Card>
  )
}
