import { type FormEvent, useState } from 'react'
import { Link, useNavigate } from 'react-router-dom'
import { ApiError } from '../api/client'
import { useCreateOrganization, useOrganizations } from '../api/organizations'
import type { Organization } from '../api/types'
import { NumberStatusBadge, TrainingBadge } from '../components/Badges'
import { Button, focusRing } from '../components/Button'
import { EmptyState, ErrorNotice, Skeleton } from '../components/Feedback'
import { TextAreaField, TextField } from '../components/Field'
import { formatPhone } from '../components/format'
import { HelpLink } from '../components/HelpLink'
import { Modal } from '../components/Modal'
import { MyInvitations } from '../components/MyInvitations'
import { UsageBar } from '../components/UsageBar'

function OrganizationCard({ org }: { org: Organization }) {
  return (
    <li>
      <Link
        to={`/Dashboard/organizations/${org.id}`}
        className={`block h-full space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-emerald-400 ${focusRing}`}
        data-testid="organization-card"
      >
        <div className="flex items-start justify-between gap-2">
          <h2 className="font-semibold text-slate-900">{org.name}</h2>
          <span className="flex items-center gap-2">
            {org.conversationsNeedingAttention > 0 && (
              <span
                className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800"
                data-testid="attention-badge"
              >
                {org.conversationsNeedingAttention} need{org.conversationsNeedingAttention === 1 ? 's' : ''}{' '}
                attention
              </span>
            )}
            <span className="text-xs capitalize text-slate-600">{org.role}</span>
          </span>
        </div>
        <dl className="space-y-2 text-sm">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <dt className="text-slate-500">Number</dt>
            <dd className="flex items-center gap-2">
              <span className="font-mono text-xs">
                {org.whatsappNumber ? (
                  <data value={org.whatsappNumber}>{formatPhone(org.whatsappNumber)}</data>
                ) : (
                  '—'
                )}
              </span>
              <NumberStatusBadge status={org.numberStatus} />
            </dd>
          </div>
          <div className="flex items-center justify-between gap-2">
            <dt className="text-slate-500">AI</dt>
            <dd>
              <TrainingBadge status={org.trainingStatus} progress={org.trainingProgress} />
            </dd>
          </div>
        </dl>
        <UsageBar id={`usage-${org.id}`} used={org.monthlyMessageCount} limit={org.monthlyMessageLimit} />
      </Link>
    </li>
  )
}

function CreateOrganizationForm({ onDone }: { onDone: (org: Organization) => void }) {
  const create = useCreateOrganization()
  const [name, setName] = useState('')
  const [description, setDescription] = useState('')
  const [industry, setIndustry] = useState('')
  const err = create.error instanceof ApiError ? create.error : null

  function onSubmit(e: FormEvent) {
    e.preventDefault()
    create.mutate({ name, description, industry }, { onSuccess: onDone })
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <TextField
        id="org-name"
        label="Name"
        value={name}
        onChange={(e) => setName(e.target.value)}
        error={err?.fieldError('name')}
      />
      <TextAreaField
        id="org-description"
        label="Description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        error={err?.fieldError('description')}
      />
      <TextField
        id="org-industry"
        label="Industry"
        value={industry}
        onChange={(e) => setIndustry(e.target.value)}
        error={err?.fieldError('industry')}
        placeholder="e.g. Restaurant"
      />
      <p className="text-sm text-slate-600" data-testid="create-plan-note">
        New organizations start on the Starter plan (500 messages a month, one WhatsApp number); the platform
        operator changes plans.
      </p>
      {create.error && <ErrorNotice error={create.error} title="The organization was not created" />}
      <div className="flex justify-end">
        <Button type="submit" busy={create.isPending}>
          Create
        </Button>
      </div>
    </form>
  )
}

export function OrganizationsPage() {
  const orgs = useOrganizations()
  const [creating, setCreating] = useState(false)
  const navigate = useNavigate()
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">WhatsApp Organizations</h1>
        <div className="flex items-center gap-4">
          <HelpLink page="organizations" />
          <Button onClick={() => setCreating(true)}>Create Organization</Button>
        </div>
      </div>
      <MyInvitations />
      {orgs.isPending && (
        <ul
          className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3"
          aria-busy="true"
          aria-label="Loading organizations"
        >
          {[0, 1, 2].map((i) => (
            <li key={i} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
              <Skeleton className="h-5 w-1/2" />
              <Skeleton className="h-4 w-full" />
              <Skeleton className="h-2 w-full" />
            </li>
          ))}
        </ul>
      )}
      {orgs.isError && <ErrorNotice error={orgs.error} title="Could not load your organizations" />}
      {orgs.data && orgs.data.length === 0 && (
        <EmptyState title="No organizations yet">
          Create one to get a WhatsApp number and an AI assistant that answers your customers.
        </EmptyState>
      )}
      {orgs.data && orgs.data.length > 0 && (
        <ul className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
          {orgs.data.map((org) => (
            <OrganizationCard key={org.id} org={org} />
          ))}
        </ul>
      )}
      <Modal open={creating} title="Create Organization" onClose={() => setCreating(false)}>
        <CreateOrganizationForm
          onDone={(org) => {
            setCreating(false)
            navigate(`/Dashboard/organizations/${org.id}`)
          }}
        />
      </Modal>
    </div>
  )
}
