import { type FormEvent, useState } from 'react'
import { useContacts, useTags } from '../../../api/contacts'
import {
  type DataExport,
  downloadNowUrl,
  type ExportFilters,
  type ExportFormat,
  type ExportKind,
  type ExportStatus,
  exportRunning,
  type NewExport,
  useDeleteExport,
  useExports,
  useStartExport,
} from '../../../api/data'
import type { Organization } from '../../../api/types'
import { Badge } from '../../../components/Badges'
import { Button, buttonClass, focusRing } from '../../../components/Button'
import { ConfirmDeletion } from '../../../components/ConfirmDeletion'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { RadioGroup, SelectField, TextField } from '../../../components/Field'
import { formatCount, formatDateTime, formatPhone } from '../../../components/format'
import { ProgressBar } from '../../../components/ProgressBar'
import { TableHead } from '../../../components/TableHead'
import { useToast } from '../../../components/Toast'
import { useDebounced } from '../broadcasts/useDebounced'

const KINDS: { id: ExportKind; label: string; hint: string }[] = [
  {
    id: 'messages',
    label: 'Messages',
    hint: 'One row per message: when, which customer, who wrote it, the text.',
  },
  {
    id: 'conversations',
    label: 'Conversations',
    hint: 'One row per conversation: the customer, when it started, its last message, its state.',
  },
  {
    id: 'contacts',
    label: 'Contacts',
    hint: 'One row per contact: number, name, tags, consent, attributes.',
  },
  { id: 'usage', label: 'Usage per month', hint: 'One row per month: messages received and sent.' },
]
const KIND_LABEL: Record<ExportKind, string> = {
  messages: 'Messages',
  conversations: 'Conversations',
  contacts: 'Contacts',
  usage: 'Usage per month',
}

/** Contacts and usage are tables only: CSV. */
const formatsOf = (kind: ExportKind): ExportFormat[] =>
  kind === 'messages' || kind === 'conversations' ? ['csv', 'json'] : ['csv']
/** What the date range is applied to, per kind; usage has no contact, so no tag or contact filter. */
const DATES_APPLY_TO: Record<ExportKind, string> = {
  messages: 'when each message was sent or received',
  conversations: 'when their messages were sent or received',
  contacts: 'when each contact first wrote or was added',
  usage: 'the months',
}
const takesPeople = (kind: ExportKind) => kind !== 'usage'

const STATUS: Record<ExportStatus, { label: string; color: 'gray' | 'blue' | 'green' | 'red' }> = {
  queued: { label: 'Waiting', color: 'gray' },
  running: { label: 'Exporting', color: 'blue' },
  completed: { label: 'Ready', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
  expired: { label: 'Expired', color: 'gray' },
}

export function formatBytes(n: number | null): string {
  if (n === null) return '—'
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`
  return `${(n / 1024 / 1024 / 1024).toFixed(2)} GB`
}

/** A calendar day from a date input, as the instant it starts (or ends) in the browser's time zone. */
function dayBoundary(day: string, end: boolean): string | undefined {
  if (!day) return undefined
  const d = new Date(`${day}T${end ? '23:59:59.999' : '00:00:00'}`)
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString()
}

function filtersSummary(f: ExportFilters): string {
  const parts: string[] = []
  if (f.from) parts.push(`from ${formatDateTime(f.from)}`)
  if (f.to) parts.push(`to ${formatDateTime(f.to)}`)
  if (f.tag) parts.push(`tag “${f.tag}”`)
  if (f.contactId) parts.push('one contact')
  return parts.length > 0 ? parts.join(', ') : 'everything'
}

/** Up to one contact, found by name or number; none means every contact. */
function ContactPicker({
  org,
  value,
  onChange,
}: {
  org: Organization
  value: string
  onChange: (contactId: string) => void
}) {
  const [search, setSearch] = useState('')
  const settled = useDebounced(search.trim(), 300)
  const contacts = useContacts(org.id, { search: settled })
  const found = contacts.data?.pages.flatMap((p) => p.contacts) ?? []
  return (
    <>
      <TextField
        id="export-contact-search"
        label="Find a contact (optional)"
        type="search"
        placeholder="Name or number"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      <SelectField
        id="export-contact"
        label="Contact"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        hint={contacts.isFetching ? 'Searching…' : undefined}
      >
        <option value="">Every contact</option>
        {found.map((c) => (
          <option key={c.id} value={c.id}>
            {c.displayName === c.phone
              ? formatPhone(c.phone, 'international')
              : `${c.displayName} (${formatPhone(c.phone, 'international')})`}
          </option>
        ))}
      </SelectField>
    </>
  )
}

function NewExportForm({ org }: { org: Organization }) {
  const [kind, setKind] = useState<ExportKind>('messages')
  const [format, setFormat] = useState<ExportFormat>('csv')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [tag, setTag] = useState('')
  const [contactId, setContactId] = useState('')
  const tags = useTags(org.id)
  const start = useStartExport(org.id)
  const toast = useToast()

  const formats = formatsOf(kind)
  const chosenFormat = formats.includes(format) ? format : 'csv'
  const request: NewExport = {
    kind,
    format: chosenFormat,
    filters: {
      from: dayBoundary(from, false),
      to: dayBoundary(to, true),
      ...(takesPeople(kind) && { tag: tag || undefined, contactId: contactId || undefined }),
    },
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    start.mutate(request, {
      onSuccess: (started) => toast(`${KIND_LABEL[started.kind]} export started.`),
    })
  }
  const hint = KINDS.find((k) => k.id === kind)?.hint

  return (
    <form className="space-y-4" noValidate onSubmit={submit} data-testid="export-form">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <SelectField
          id="export-kind"
          label="What to export"
          value={kind}
          hint={hint}
          onChange={(e) => setKind(e.target.value as ExportKind)}
        >
          {KINDS.map((k) => (
            <option key={k.id} value={k.id}>
              {k.label}
            </option>
          ))}
        </SelectField>
        <RadioGroup<ExportFormat>
          name="export-format"
          legend="Format"
          options={formats.map((f) => ({ id: f, label: f.toUpperCase() }))}
          value={chosenFormat}
          onChange={setFormat}
        />
        <TextField
          id="export-from"
          label="From (optional)"
          type="date"
          value={from}
          max={to || undefined}
          onChange={(e) => setFrom(e.target.value)}
          aria-describedby="export-dates-hint"
        />
        <TextField
          id="export-to"
          label="To (optional)"
          type="date"
          value={to}
          min={from || undefined}
          onChange={(e) => setTo(e.target.value)}
          aria-describedby="export-dates-hint"
        />
        {takesPeople(kind) && (
          <>
            <SelectField
              id="export-tag"
              label="Only contacts tagged"
              value={tag}
              onChange={(e) => setTag(e.target.value)}
            >
              <option value="">Any tag or none</option>
              {(tags.data ?? []).map((t) => (
                <option key={t.id} value={t.name}>
                  {t.name}
                </option>
              ))}
            </SelectField>
            <ContactPicker org={org} value={contactId} onChange={setContactId} />
          </>
        )}
      </div>
      <p id="export-dates-hint" className="text-xs text-slate-600">
        Dates are days in your own time zone, both included, applied to {DATES_APPLY_TO[kind]}.
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" busy={start.isPending}>
          Start export
        </Button>
        <a
          href={downloadNowUrl(org.id, request)}
          download
          className={`text-sm font-medium text-emerald-700 underline ${focusRing}`}
          data-testid="download-now"
        >
          Download now<span className="sr-only"> without waiting for a background export</span>
        </a>
        <span className="text-xs text-slate-600">
          For a small export: the file is written while you download it.
        </span>
      </div>
      <ErrorNotice error={start.error} title="Export not started" showFields />
    </form>
  )
}

function ExportProgress({ exp }: { exp: DataExport }) {
  if (exp.totalRows !== null && exp.totalRows > 0) {
    return (
      <ProgressBar
        compact
        label={`Export progress, ${formatCount(exp.processedRows)} of ${formatCount(exp.totalRows)} rows`}
        value={exp.processedRows}
        max={exp.totalRows}
      />
    )
  }
  return <span className="text-slate-600">{formatCount(exp.processedRows)} rows</span>
}

function ExportRow({ exp, onDelete }: { exp: DataExport; onDelete: (e: DataExport) => void }) {
  const status = STATUS[exp.status]
  const what = `${KIND_LABEL[exp.kind]} (${exp.format.toUpperCase()})`
  return (
    <tr data-testid="export-row" data-status={exp.status} data-kind={exp.kind}>
      <td className="py-2 pr-3">
        <span className="font-medium">{what}</span>
        <span className="block text-xs text-slate-600">{filtersSummary(exp.filters)}</span>
      </td>
      <td className="py-2 pr-3">
        <span className="flex flex-col gap-1">
          <Badge color={status.color} title={exp.failureReason ?? undefined}>
            {status.label}
          </Badge>
          {exportRunning(exp) && <ExportProgress exp={exp} />}
          {exp.status === 'failed' && exp.failureReason && (
            <span className="text-xs text-red-700">{exp.failureReason}</span>
          )}
          {exp.status === 'completed' && exp.totalRows !== null && (
            <span className="text-xs text-slate-600">{formatCount(exp.totalRows)} rows</span>
          )}
        </span>
      </td>
      <td className="py-2 pr-3 tabular-nums" data-testid="export-size">
        {formatBytes(exp.sizeBytes)}
      </td>
      <td className="py-2 pr-3">{formatDateTime(exp.createdAt)}</td>
      <td className="py-2 pr-3">{exp.expiresAt ? formatDateTime(exp.expiresAt) : '—'}</td>
      <td className="py-2">
        <span className="flex flex-wrap items-center gap-2">
          {exp.status === 'completed' && exp.downloadUrl && (
            <a
              href={exp.downloadUrl}
              className={buttonClass('secondary', 'px-2 py-1')}
              data-testid="export-download"
            >
              Download<span className="sr-only"> the {what.toLowerCase()} export</span>
            </a>
          )}
          <Button variant="ghost" className="px-2 py-1" onClick={() => onDelete(exp)}>
            Delete<span className="sr-only"> the {what.toLowerCase()} export</span>
          </Button>
        </span>
      </td>
    </tr>
  )
}

function ExportList({ org }: { org: Organization }) {
  const exports = useExports(org.id)
  const deletion = useDeleteExport(org.id)
  const [target, setTarget] = useState<DataExport | null>(null)
  if (exports.isPending) return <LoadingBlock label="Loading the exports…" />
  if (exports.isError) return <ErrorNotice error={exports.error} title="Could not load the exports" />
  if (exports.data.length === 0) {
    return (
      <EmptyState title="No exports yet">
        An export runs in the background; its file can be downloaded for a day with a link that needs no
        sign-in.
      </EmptyState>
    )
  }
  return (
    <>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" data-testid="exports-table">
          <TableHead
            caption="Exports"
            columns={['What', 'Status', 'Size', 'Started', 'Link expires', 'Actions']}
          />
          <tbody className="divide-y divide-slate-100">
            {exports.data.map((e) => (
              <ExportRow key={e.id} exp={e} onDelete={setTarget} />
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDeletion
        target={target}
        title="Delete this export?"
        confirmLabel="Delete the export"
        deletion={deletion}
        deleted="Export deleted."
        onClose={() => setTarget(null)}
      >
        <p className="text-sm text-slate-700">
          The file is removed and its download link stops working. The data it was made from stays.
        </p>
      </ConfirmDeletion>
    </>
  )
}

/** Start an export (what, format, filters) and follow the exports: progress, download, delete. */
export function ExportsSection({ org }: { org: Organization }) {
  return (
    <Card title="Exports">
      <div className="space-y-6" data-testid="exports-section">
        <p className="text-sm text-slate-600">
          Your messages, conversations, contacts or usage as CSV or JSON: for your records, a spreadsheet or
          another system.
        </p>
        <NewExportForm org={org} />
        <div className="space-y-2">
          <h3 className="text-sm font-semibold text-slate-900">Your exports</h3>
          <ExportList org={org} />
        </div>
      </div>
    </Card>
  )
}
