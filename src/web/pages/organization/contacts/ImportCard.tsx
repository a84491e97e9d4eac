import { useRef, useState } from 'react'
import { importRunning, useImport, useImportPreview, useImports, useStartImport } from '../../../api/contacts'
import type { ContactImport, ImportPreview, Organization } from '../../../api/types'
import { Badge } from '../../../components/Badges'
import { Button, focusRing } from '../../../components/Button'
import { Card, ErrorNotice } from '../../../components/Feedback'
import { formatCount, formatDateTime } from '../../../components/format'
import { ProgressBar } from '../../../components/ProgressBar'
import { TableHead } from '../../../components/TableHead'
import { useToast } from '../../../components/Toast'

export const EXAMPLE_CSV = `phone,name,tags,opt_in,city
+33612345678,Ana Martin,vip;paris,yes,Paris
+14155550123,Ben Lee,wholesale|newsletter,no,San Francisco
+447700900123,Chloé Dubois,,yes,London
`

const COLUMNS: [string, string][] = [
  ['phone', 'Required. The WhatsApp number with its country code, e.g. +33612345678.'],
  ['name', 'Optional. Your name for the customer.'],
  ['tags', 'Optional. Several tags separated by ; or |.'],
  [
    'opt_in',
    'Optional. yes/no, true/false or 1/0: whether the customer agreed to receive your messages. Empty: a new contact has no consent, an existing one keeps its own.',
  ],
  [
    'anything else',
    'Kept as an attribute of the contact (city, plan, last_order…): letters, digits and _ in the column name.',
  ],
]

const statusColor = { pending: 'gray', running: 'blue', done: 'green', failed: 'red' } as const
const statusLabel = { pending: 'Waiting', running: 'Importing', done: 'Done', failed: 'Failed' } as const

const rowsWord = (n: number) => `${formatCount(n)} ${n === 1 ? 'row' : 'rows'}`

/** Says how many rows go in and how many the preview already knows are skipped. */
const importLabel = (p: ImportPreview) =>
  p.errorCount > 0
    ? `Import ${rowsWord(p.totalRows - p.errorCount)}, skip ${formatCount(p.errorCount)}`
    : `Import ${rowsWord(p.totalRows)}`

function Preview({ preview }: { preview: ImportPreview }) {
  const shown = new Set(preview.rows.map((r) => r.line))
  return (
    <div className="space-y-2" data-testid="import-preview">
      <p className="text-sm text-slate-700" data-testid="preview-summary">
        {formatCount(preview.totalRows)} {preview.totalRows === 1 ? 'row' : 'rows'} found
        {preview.errorCount > 0 ? (
          <span className="font-medium text-red-700">
            {' '}
            · {formatCount(preview.errorCount)} with an error (they are skipped, the others are imported)
          </span>
        ) : (
          ' · no errors found'
        )}
        . Columns: {preview.columns.join(', ')}.
      </p>
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm">
          <TableHead
            caption="The first rows as they will be imported"
            columns={['Line', 'Phone', 'Name', 'Tags', 'Opt-in', 'Attributes']}
            cell="px-2 py-1 font-medium"
          />
          <tbody className="divide-y divide-slate-100">
            {preview.rows.map((r) =>
              r.error ? (
                <tr key={r.line} className="bg-red-50" data-testid="preview-row" data-error="true">
                  <td className="px-2 py-1 font-mono">{r.line}</td>
                  <td colSpan={5} className="px-2 py-1 text-red-800" data-testid="preview-error">
                    <span className="font-medium">Error on line {r.line}:</span> {r.error}
                    {r.phone ? ` (${r.phone})` : ''}
                  </td>
                </tr>
              ) : (
                <tr key={r.line} data-testid="preview-row">
                  <td className="px-2 py-1 font-mono">{r.line}</td>
                  <td className="px-2 py-1 font-mono">{r.phone}</td>
                  <td className="px-2 py-1">{r.name ?? '—'}</td>
                  <td className="px-2 py-1">{r.tags.join(', ') || '—'}</td>
                  <td className="px-2 py-1">{r.optedIn === null ? '—' : r.optedIn ? 'Yes' : 'No'}</td>
                  <td className="px-2 py-1 text-xs">
                    {Object.entries(r.attributes)
                      .map(([k, v]) => `${k}: ${v}`)
                      .join(' · ') || '—'}
                  </td>
                </tr>
              ),
            )}
          </tbody>
        </table>
      </div>
      {preview.totalRows > preview.rows.length && (
        <p className="text-xs text-slate-600">
          The first {formatCount(preview.rows.length)} rows are shown; every row was checked.
        </p>
      )}
      {preview.errors.some((e) => !shown.has(e.line)) && (
        <div>
          <h3 className="text-sm font-medium text-red-800">Other rows with an error</h3>
          <ul
            className="mt-1 max-h-40 overflow-y-auto text-sm text-red-800"
            data-testid="preview-more-errors"
          >
            {preview.errors
              .filter((e) => !shown.has(e.line))
              .map((e) => (
                <li key={e.line}>
                  Line {e.line}: {e.message}
                </li>
              ))}
          </ul>
          {preview.errorCount > preview.errors.length && (
            <p className="text-xs text-slate-600">
              The first {formatCount(preview.errors.length)} of {formatCount(preview.errorCount)} errors are
              listed.
            </p>
          )}
        </div>
      )}
    </div>
  )
}

/** An import being done (a progress bar), or its result with the rows that failed, by line. */
function ImportResult({ job }: { job: ContactImport }) {
  const running = importRunning(job)
  const pct = job.totalRows > 0 ? (job.processedRows / job.totalRows) * 100 : 0
  return (
    <div className="space-y-2" data-testid="import-result" data-status={job.status}>
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium">{job.fileName}</span>
        <Badge color={statusColor[job.status]}>{statusLabel[job.status]}</Badge>
      </p>
      {running && (
        <ProgressBar
          id="import-progress"
          label={`${formatCount(job.processedRows)} of ${formatCount(job.totalRows)} rows`}
          value={pct}
        />
      )}
      {job.status === 'failed' && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          The import stopped: {job.failureReason ?? 'unknown reason'}.
        </p>
      )}
      {!running && (
        <p className="text-sm text-slate-700" data-testid="import-counts" role="status">
          {formatCount(job.createdCount)} created · {formatCount(job.updatedCount)} updated ·{' '}
          {formatCount(job.errorCount)} {job.errorCount === 1 ? 'row' : 'rows'} with an error
        </p>
      )}
      {job.errors.length > 0 && (
        <div>
          <h3 className="text-sm font-medium text-red-800">Rows not imported</h3>
          <ul
            className="mt-1 max-h-48 space-y-0.5 overflow-y-auto text-sm text-red-800"
            data-testid="import-errors"
          >
            {job.errors.map((e) => (
              <li key={`${e.line}:${e.message}`}>
                Line {e.line}: {e.message}
              </li>
            ))}
          </ul>
          {job.errorCount > job.errors.length && (
            <p className="text-xs text-slate-600">
              The first {formatCount(job.errors.length)} of {formatCount(job.errorCount)} errors are listed.
            </p>
          )}
        </div>
      )}
    </div>
  )
}

function RecentImports({ org, onOpen }: { org: Organization; onOpen: (id: string) => void }) {
  const imports = useImports(org.id)
  if (!imports.data || imports.data.length === 0) return null
  return (
    <details className="text-sm">
      <summary className={`cursor-pointer font-medium text-slate-700 ${focusRing}`}>Recent imports</summary>
      <ul className="mt-2 divide-y divide-slate-100" aria-label="Recent imports">
        {imports.data.map((i) => (
          <li key={i.id} className="flex flex-wrap items-center justify-between gap-2 py-1">
            <span className="min-w-0 truncate">
              {i.fileName} · {formatDateTime(i.createdAt)}
            </span>
            <span className="flex items-center gap-2">
              <Badge color={statusColor[i.status]}>{statusLabel[i.status]}</Badge>
              <Button variant="ghost" className="px-2 py-1" onClick={() => onOpen(i.id)}>
                Details<span className="sr-only"> of the import of {i.fileName}</span>
              </Button>
            </span>
          </li>
        ))}
      </ul>
    </details>
  )
}

/** Choose a CSV, see how its first rows are read (and which lines are wrong), import it, watch it finish. */
export function ImportCard({ org }: { org: Organization }) {
  const [file, setFile] = useState<File | null>(null)
  const [uploaded, setUploaded] = useState<number | null>(null)
  const [importId, setImportId] = useState<string | null>(null)
  const preview = useImportPreview(org.id)
  const start = useStartImport(org.id, setUploaded)
  const job = useImport(org.id, importId)
  const toast = useToast()
  const input = useRef<HTMLInputElement>(null)

  const reset = () => {
    setFile(null)
    setUploaded(null)
    preview.reset()
    start.reset()
    if (input.current) input.current.value = ''
  }

  return (
    <Card title="Import contacts">
      <div className="space-y-4">
        <details className="text-sm">
          <summary className={`cursor-pointer font-medium text-slate-700 ${focusRing}`}>
            The CSV's columns
          </summary>
          <div className="mt-2 space-y-2">
            <p className="text-slate-600">
              A header row, then one customer per line. A number already in your contacts is updated, never
              duplicated: a name replaces the old one, tags are added, attributes merged. Rows with an error
              are skipped and listed with their line number.
            </p>
            <dl className="grid gap-x-3 gap-y-1 sm:grid-cols-[9rem_1fr]">
              {COLUMNS.map(([name, text]) => (
                <div key={name} className="contents">
                  <dt className="font-mono text-slate-800">{name}</dt>
                  <dd className="text-slate-600">{text}</dd>
                </div>
              ))}
            </dl>
            <pre className="overflow-x-auto rounded-md bg-slate-100 p-2 text-xs">{EXAMPLE_CSV}</pre>
            <a
              href={`data:text/csv;charset=utf-8,${encodeURIComponent(EXAMPLE_CSV)}`}
              download="contacts-example.csv"
              className={`inline-block font-medium text-emerald-700 underline ${focusRing}`}
            >
              Download the example CSV
            </a>
          </div>
        </details>

        <div className="space-y-2">
          <label htmlFor="contacts-csv" className="block text-sm font-medium text-slate-700">
            Choose a CSV file
          </label>
          <input
            ref={input}
            id="contacts-csv"
            type="file"
            accept=".csv,text/csv"
            aria-describedby="contacts-csv-limits"
            disabled={preview.isPending || start.isPending}
            className={`block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-emerald-50 file:px-3 file:py-2 file:text-emerald-800 ${focusRing}`}
            onChange={(e) => {
              const chosen = e.target.files?.[0]
              if (!chosen) return
              setFile(chosen)
              setImportId(null)
              start.reset()
              preview.mutate(chosen)
            }}
          />
          <p id="contacts-csv-limits" className="text-xs text-slate-600">
            Up to 20 MB and 200,000 rows. You see how the first rows are read before anything is imported.
          </p>
        </div>

        {preview.isPending && (
          <p role="status" className="text-sm text-slate-600">
            Reading the file…
          </p>
        )}
        {preview.isError && (
          <ErrorNotice error={preview.error} title="The file could not be read" showFields />
        )}
        {preview.data && !importId && (
          <div className="space-y-3">
            <Preview preview={preview.data} />
            <div className="flex flex-wrap gap-2">
              <Button
                busy={start.isPending}
                disabled={!file || preview.data.totalRows === preview.data.errorCount}
                onClick={() =>
                  file &&
                  start.mutate(file, {
                    onSuccess: ({ import: started }) => {
                      setImportId(started.id)
                      toast(`Importing ${started.fileName}…`)
                    },
                  })
                }
              >
                {importLabel(preview.data)}
              </Button>
              <Button variant="secondary" onClick={reset} disabled={start.isPending}>
                Cancel
              </Button>
            </div>
            {start.isPending && uploaded !== null && (
              <ProgressBar id="import-upload" label="Uploading" value={uploaded * 100} />
            )}
            {start.isError && <ErrorNotice error={start.error} title="Import not started" showFields />}
          </div>
        )}

        {importId && job.isError && <ErrorNotice error={job.error} title="Could not follow the import" />}
        {importId && job.data && (
          <div className="space-y-3">
            <ImportResult job={job.data} />
            {!importRunning(job.data) && (
              <Button
                variant="secondary"
                onClick={() => {
                  reset()
                  setImportId(null)
                }}
              >
                Import another file
              </Button>
            )}
          </div>
        )}
        <RecentImports
          org={org}
          onOpen={(id) => {
            reset()
            setImportId(id)
          }}
        />
      </div>
    </Card>
  )
}
