import { type FormEvent, useState } from 'react'
import { Link } from 'react-router-dom'
import {
  type NumberSearch,
  useNumberSearch,
  useOrgNumbers,
  useProvisionNumber,
  useReleaseNumber,
} from '../../api/numbers'
import { atLeast, type Organization } from '../../api/types'
import { NumberStatusBadge, TrainingBadge } from '../../components/Badges'
import { Button, focusRing } from '../../components/Button'
import { Card, EmptyState, ErrorNotice, ReadOnlyNote, Skeleton } from '../../components/Feedback'
import { SelectField, TextField } from '../../components/Field'
import { formatCount, formatDateTime, formatOrgDate, formatPhone, waMeLink } from '../../components/format'
import { ConfirmDialog } from '../../components/Modal'
import { PlanErrorNotice } from '../../components/PlanRequired'
import { ProgressBar } from '../../components/ProgressBar'
import { UsageBar } from '../../components/UsageBar'

const COUNTRIES: [string, string][] = [
  ['US', 'United States'],
  ['CA', 'Canada'],
  ['GB', 'United Kingdom'],
  ['DE', 'Germany'],
  ['FR', 'France'],
  ['ES', 'Spain'],
  ['NL', 'Netherlands'],
  ['BR', 'Brazil'],
  ['MX', 'Mexico'],
  ['IN', 'India'],
  ['AU', 'Australia'],
  ['ZA', 'South Africa'],
  ['NG', 'Nigeria'],
  ['KE', 'Kenya'],
  ['RW', 'Rwanda'],
]

const IN_FLIGHT = ['purchasing', 'registering', 'releasing']

function NumberPicker({ org }: { org: Organization }) {
  const [country, setCountry] = useState('US')
  const [type, setType] = useState<NumberSearch['type']>('local')
  const [contains, setContains] = useState('')
  const [search, setSearch] = useState<NumberSearch | null>(null)
  const [picked, setPicked] = useState<string | null>(null)
  const results = useNumberSearch(search)
  const provision = useProvisionNumber(org.id)

  const onSearch = (e: FormEvent) => {
    e.preventDefault()
    setPicked(null)
    setSearch({ country, type, contains })
  }

  return (
    <div className="space-y-4">
      <h3 className="text-sm font-semibold text-slate-900">Provision a Number</h3>
      <form
        onSubmit={onSearch}
        className="grid gap-3 sm:grid-cols-4 sm:items-end"
        aria-label="Search available numbers"
      >
        <SelectField
          id="number-country"
          label="Country"
          value={country}
          onChange={(e) => setCountry(e.target.value)}
        >
          {COUNTRIES.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </SelectField>
        <SelectField
          id="number-type"
          label="Type"
          value={type}
          onChange={(e) => setType(e.target.value as NumberSearch['type'])}
        >
          <option value="local">Local</option>
          <option value="mobile">Mobile</option>
          <option value="tollFree">Toll-free</option>
        </SelectField>
        <TextField
          id="number-contains"
          label="Contains digits"
          inputMode="numeric"
          value={contains}
          onChange={(e) => setContains(e.target.value)}
          placeholder="e.g. 555"
        />
        <Button type="submit" busy={results.isFetching}>
          Search numbers
        </Button>
      </form>
      {results.isError && <ErrorNotice error={results.error} title="The search failed" showFields />}
      {results.isFetching && !results.data && (
        <div className="space-y-2" aria-hidden>
          <Skeleton className="h-8 w-full" />
          <Skeleton className="h-8 w-full" />
        </div>
      )}
      {results.data && results.data.length === 0 && (
        <EmptyState title="No numbers found">Try another type, or fewer digits in “contains”.</EmptyState>
      )}
      {results.data && results.data.length > 0 && (
        <fieldset className="space-y-2">
          <legend className="mb-2 text-sm font-medium text-slate-700">Pick a number</legend>
          <ul className="grid gap-2 sm:grid-cols-2">
            {results.data.map((n) => (
              <li key={n.phoneNumber}>
                <label
                  className={`flex cursor-pointer items-center gap-3 rounded-md border p-3 text-sm has-[:checked]:border-emerald-500 has-[:checked]:bg-emerald-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-emerald-600`}
                >
                  <input
                    type="radio"
                    name="picked-number"
                    value={n.phoneNumber}
                    checked={picked === n.phoneNumber}
                    onChange={() => setPicked(n.phoneNumber)}
                  />
                  <span>
                    <span className="block font-mono">{formatPhone(n.phoneNumber)}</span>
                    <span className="block text-xs text-slate-500">
                      {[n.locality, n.region, n.isoCountry].filter(Boolean).join(', ')} · {n.type}
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <Button
            onClick={() => picked && provision.mutate(picked)}
            disabled={!picked}
            busy={provision.isPending}
          >
            {picked ? `Provision ${formatPhone(picked)}` : 'Provision the picked number'}
          </Button>
          {provision.isError && (
            <PlanErrorNotice error={provision.error} title="Provisioning failed" showFields />
          )}
        </fieldset>
      )}
    </div>
  )
}

function NumberCard({ org }: { org: Organization }) {
  const canManage = atLeast(org.role, 'admin')
  const inFlight = IN_FLIGHT.includes(org.numberStatus)
  const numbers = useOrgNumbers(org.id, inFlight)
  const release = useReleaseNumber(org.id)
  const [confirming, setConfirming] = useState(false)
  const current =
    numbers.data?.find((n) => n.isPrimary && !n.releasedAt) ?? numbers.data?.find((n) => !n.releasedAt)
  const hasNumber = !!org.whatsappNumber && !['none', 'released'].includes(org.numberStatus)
  const needsNumber = !hasNumber || org.numberStatus === 'failed'

  return (
    <Card title="WhatsApp number">
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-3" aria-live="polite">
          <span className="font-mono text-lg" data-testid="org-number">
            {org.whatsappNumber ? (
              <data value={org.whatsappNumber}>{formatPhone(org.whatsappNumber)}</data>
            ) : (
              'No number yet'
            )}
          </span>
          <span data-testid="number-status">
            <NumberStatusBadge status={org.numberStatus} />
          </span>
          {inFlight && (
            <span className="text-sm text-slate-500">
              {current?.senderStatus ? `Sender: ${current.senderStatus}. ` : ''}Updating live…
            </span>
          )}
        </div>
        {hasNumber && (
          // Whether customers' messages arrive at all: the first thing to check when none show up.
          <p className="text-sm text-slate-600" data-testid="last-inbound">
            Last message received:{' '}
            {org.lastInboundAt
              ? formatDateTime(org.lastInboundAt)
              : 'none yet (the simulator does not count)'}
          </p>
        )}
        {org.numberStatus === 'failed' && (
          <ErrorNotice
            error={new Error(org.numberFailureReason ?? 'The number could not be set up.')}
            title="Number setup failed"
          />
        )}
        {hasNumber && org.whatsappNumber && org.numberStatus === 'active' && (
          <div className="flex flex-wrap gap-2">
            <a
              href={waMeLink(org.whatsappNumber)}
              target="_blank"
              rel="noreferrer"
              className={`inline-flex items-center rounded-md bg-emerald-700 px-3 py-2 text-sm font-medium text-white hover:bg-emerald-800 ${focusRing}`}
            >
              Open in WhatsApp
            </a>
            <Link
              to={`/Dashboard/organizations/${org.id}/simulator`}
              className={`inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50 ${focusRing}`}
            >
              Try it in the simulator
            </Link>
            {canManage && (
              <Button variant="secondary" onClick={() => setConfirming(true)}>
                Release number
              </Button>
            )}
          </div>
        )}
        {release.isError && <ErrorNotice error={release.error} title="Release failed" />}
        {!canManage && needsNumber && (
          <ReadOnlyNote>Only owners and admins can provision or release numbers.</ReadOnlyNote>
        )}
        {canManage && needsNumber && !inFlight && <NumberPicker org={org} />}
      </div>
      <ConfirmDialog
        open={confirming}
        title="Release this number?"
        confirmLabel="Release"
        busy={release.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => release.mutate(undefined, { onSettled: () => setConfirming(false) })}
      >
        <p className="text-sm text-slate-600">
          Customers will no longer reach{' '}
          <span className="font-mono">{org.whatsappNumber ? formatPhone(org.whatsappNumber) : ''}</span>. The
          number goes back to the provider and may not be available again.
        </p>
      </ConfirmDialog>
    </Card>
  )
}

export function OverviewTab({ org }: { org: Organization }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <div className="lg:col-span-2">
        <NumberCard org={org} />
      </div>
      <Card title="Usage this month">
        <div className="space-y-2">
          <UsageBar id="overview-usage" used={org.monthlyMessageCount} limit={org.monthlyMessageLimit} />
          <p className="text-xs text-slate-600" data-testid="usage-period">
            Plan: <span className="capitalize">{org.planType}</span> · counting since{' '}
            {formatOrgDate(org.lastResetDate, org.businessHours.timezone)} ·{' '}
            {formatCount(org.totalConversations)} conversations in total
          </p>
        </div>
      </Card>
      <Card title="AI assistant">
        <div className="space-y-3 text-sm">
          <div className="flex items-center gap-2">
            <span data-testid="overview-training-status">
              <TrainingBadge status={org.trainingStatus} progress={org.trainingProgress} />
            </span>
            <span className="text-slate-500">Last trained: {formatDateTime(org.trainedAt)}</span>
          </div>
          {org.trainingStatus === 'training' && (
            <ProgressBar id="overview-training" label="Training" value={org.trainingProgress} />
          )}
          {org.trainingError && <p className="text-red-700">{org.trainingError}</p>}
          <Link to="?tab=training" className={`font-medium text-emerald-700 underline ${focusRing}`}>
            Train Your AI
          </Link>
        </div>
      </Card>
    </div>
  )
}
