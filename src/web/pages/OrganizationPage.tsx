import type { KeyboardEvent } from 'react'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import { ApiError } from '../api/client'
import { useLiveUpdates } from '../api/live'
import { useOrganization } from '../api/organizations'
import { atLeast, type Role } from '../api/types'
import { NumberStatusBadge, TrainingBadge } from '../components/Badges'
import { focusRing } from '../components/Button'
import { ErrorNotice, LoadingBlock } from '../components/Feedback'
import { HelpLink } from '../components/HelpLink'
import { AnalyticsTab } from './organization/AnalyticsTab'
import { BillingTab } from './organization/billing/BillingTab'
import { PaymentIssueBanner } from './organization/billing/PaymentIssueBanner'
import { BroadcastsTab } from './organization/broadcasts/BroadcastsTab'
import { ContactsTab } from './organization/contacts/ContactsTab'
import { DataTab } from './organization/data/DataTab'
import { DevelopersTab } from './organization/developers/DevelopersTab'
import { InboxTab } from './organization/inbox/InboxTab'
import { NotificationBell } from './organization/inbox/NotificationBell'
import { OverviewTab } from './organization/OverviewTab'
import { SettingsTab } from './organization/SettingsTab'
import { TrainingTab } from './organization/TrainingTab'
import { TemplatesTab } from './organization/templates/TemplatesTab'

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'inbox', label: 'Inbox' },
  { id: 'contacts', label: 'Contacts' },
  { id: 'templates', label: 'Templates' },
  { id: 'broadcasts', label: 'Broadcasts' },
  { id: 'settings', label: 'Settings' },
  // Every member reads the plan and its usage; only an owner changes it.
  { id: 'billing', label: 'Billing' },
  { id: 'training', label: 'AI Training' },
  { id: 'analytics', label: 'Analytics' },
  { id: 'data', label: 'Data & privacy', minRole: 'admin' },
  { id: 'developers', label: 'Developers', minRole: 'admin' },
] as const
type TabId = (typeof TABS)[number]['id']

/** The tabs this role may open: a tab with `minRole` is hidden below it (its routes would answer 403). */
const tabsFor = (role: Role | undefined) => TABS.filter((t) => !('minRole' in t) || atLeast(role, t.minRole))

export function OrganizationPage() {
  const { id = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const org = useOrganization(id)
  // One live stream per open organization: the inbox, the conversation lists and the bell follow it.
  useLiveUpdates(org.data ? id : null)
  const requested = params.get('tab')
  const tabs = tabsFor(org.data?.role)
  const tab: TabId = tabs.find((t) => t.id === requested)?.id ?? 'overview'

  const select = (next: TabId) => {
    const p = new URLSearchParams(params)
    if (next === 'overview') p.delete('tab')
    else p.set('tab', next)
    p.delete('conversation')
    for (const key of ['broadcast', 'compose', 'filter']) p.delete(key)
    setParams(p)
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = tabs.findIndex((t) => t.id === tab)
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0
    const next = step === 0 ? undefined : tabs.at((i + step) % tabs.length)
    if (next) {
      e.preventDefault()
      select(next.id)
      document.getElementById(`tab-${next.id}`)?.focus()
    }
  }

  if (org.isPending) return <LoadingBlock label="Loading the organization…" lines={6} />
  if (org.isError) {
    const notFound = org.error instanceof ApiError && org.error.status === 404
    return (
      <div className="space-y-3">
        {notFound ? (
          <>
            <h1 className="text-2xl font-semibold">Organization not found</h1>
            <p className="text-slate-600" data-testid="org-not-found">
              It does not exist, or you are not a member of it.
            </p>
          </>
        ) : (
          <>
            <h1 className="text-2xl font-semibold">Could not load the organization</h1>
            <ErrorNotice error={org.error} />
          </>
        )}
        <Link to="/Dashboard/organizations" className="font-medium text-emerald-700 underline">
          Back to your organizations
        </Link>
      </div>
    )
  }
  const o = org.data
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <Link to="/Dashboard/organizations" className={`text-sm text-emerald-700 underline ${focusRing}`}>
          ← WhatsApp Organizations
        </Link>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold">{o.name}</h1>
          <NumberStatusBadge status={o.numberStatus} />
          <TrainingBadge status={o.trainingStatus} progress={o.trainingProgress} />
          <span className="text-sm text-slate-500">
            Your role: <span className="capitalize">{o.role}</span>
          </span>
          <span className="ml-auto">{atLeast(o.role, 'agent') && <NotificationBell orgId={o.id} />}</span>
          <Link
            to={`/Dashboard/organizations/${o.id}/simulator`}
            className={`text-sm font-medium text-emerald-700 underline ${focusRing}`}
          >
            Open the simulator
          </Link>
          <HelpLink page={tab} />
        </div>
      </div>
      <PaymentIssueBanner org={o} />
      <div
        role="tablist"
        aria-label="Organization sections"
        className="-mx-4 flex gap-1 overflow-x-auto border-b border-slate-200 px-4 sm:mx-0 sm:px-0"
        onKeyDown={onKeyDown}
      >
        {tabs.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => select(t.id)}
            className={`whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${focusRing} ${
              tab === t.id
                ? 'border-emerald-600 text-emerald-700'
                : 'border-transparent text-slate-600 hover:text-slate-900'
            }`}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'overview' && <OverviewTab org={o} />}
        {tab === 'inbox' && <InboxTab org={o} />}
        {tab === 'contacts' && <ContactsTab org={o} />}
        {tab === 'templates' && <TemplatesTab org={o} />}
        {tab === 'broadcasts' && <BroadcastsTab org={o} />}
        {tab === 'settings' && <SettingsTab org={o} />}
        {tab === 'training' && <TrainingTab org={o} />}
        {tab === 'analytics' && <AnalyticsTab org={o} />}
        {tab === 'data' && <DataTab org={o} />}
        {tab === 'developers' && <DevelopersTab org={o} />}
        {tab === 'billing' && <BillingTab org={o} />}
      </div>
    </div>
  )
}
