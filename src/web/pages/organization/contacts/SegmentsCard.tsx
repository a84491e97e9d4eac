import { useState } from 'react'
import { useCreateSegment, useDeleteSegment, useSegments } from '../../../api/contacts'
import type { Organization, Segment } from '../../../api/types'
import { Button } from '../../../components/Button'
import { ConfirmDeletion } from '../../../components/ConfirmDeletion'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { TextField } from '../../../components/Field'
import { formatCount } from '../../../components/format'
import { useServerForm } from '../../../components/forms/useServerForm'
import { useToast } from '../../../components/Toast'
import { describeFilter, type Filters, fromSegment, toContactFilter } from './filters'

function SaveSegmentForm({ org, filters }: { org: Organization; filters: Filters }) {
  const create = useCreateSegment(org.id)
  const toast = useToast()
  const form = useServerForm({ name: '' }, create)
  const filter = toContactFilter(filters)
  return (
    <form
      noValidate
      className="space-y-2 border-t border-slate-200 pt-3"
      onSubmit={form.submit((v) =>
        create.mutate(
          { name: v.name.trim(), filter },
          {
            onSuccess: ({ segment }) => {
              toast(`Segment “${segment.name}” saved: ${formatCount(segment.contactCount)} contacts today.`)
              form.set('name', '')
            },
          },
        ),
      )}
    >
      <TextField
        id="segment-name"
        label="Save the current filters as a segment"
        placeholder="Segment name"
        {...form.bind('name')}
        hint={`It will mean: ${describeFilter(filter)}.`}
      />
      {filters.optedOut !== '' && (
        <p className="text-xs text-amber-800">
          The opt-out filter is not saved: messages you send first never reach opted-out customers anyway.
        </p>
      )}
      <Button type="submit" busy={create.isPending} disabled={!form.values.name.trim()}>
        Save the segment
      </Button>
      {create.isError && !form.error('name') && (
        <ErrorNotice error={create.error} title="Segment not saved" showFields />
      )}
    </form>
  )
}

/**
 * Saved filters, counted now (a segment resolves to the contacts that match when it is used, by a
 * broadcast for instance). Applying one shows its contacts.
 */
export function SegmentsCard({
  org,
  filters,
  onApply,
  canWrite,
}: {
  org: Organization
  filters: Filters
  onApply: (next: Filters) => void
  canWrite: boolean
}) {
  const segments = useSegments(org.id)
  const del = useDeleteSegment(org.id)
  const [deleting, setDeleting] = useState<Segment | null>(null)
  return (
    <Card title="Segments">
      <div className="space-y-3">
        {segments.isPending && <LoadingBlock label="Loading segments…" lines={2} />}
        {segments.isError && <ErrorNotice error={segments.error} title="Could not load the segments" />}
        {segments.data && segments.data.length === 0 && (
          <EmptyState title="No segments yet">
            Filter the contacts, then save the filters under a name to reuse them.
          </EmptyState>
        )}
        {segments.data && segments.data.length > 0 && (
          <ul className="divide-y divide-slate-200" aria-label="Segments">
            {segments.data.map((s) => {
              const applied = filters.segmentId === s.id
              return (
                <li key={s.id} className="space-y-1 py-2" data-testid="segment-row" data-applied={applied}>
                  <div className="flex items-center justify-between gap-2">
                    <span className="min-w-0">
                      <span className="block truncate text-sm font-medium">{s.name}</span>
                      <span className="block text-xs text-slate-600" data-testid="segment-count">
                        {formatCount(s.contactCount)} {s.contactCount === 1 ? 'contact' : 'contacts'}
                      </span>
                    </span>
                    <span className="flex shrink-0 gap-1">
                      <Button
                        variant={applied ? 'primary' : 'secondary'}
                        className="px-2 py-1"
                        aria-pressed={applied}
                        onClick={() => onApply(fromSegment(s))}
                      >
                        Apply
                        <span className="sr-only"> the segment {s.name}</span>
                      </Button>
                      {canWrite && (
                        <Button
                          variant="ghost"
                          className="px-2 py-1 text-red-700"
                          onClick={() => setDeleting(s)}
                        >
                          Delete<span className="sr-only"> the segment {s.name}</span>
                        </Button>
                      )}
                    </span>
                  </div>
                  <p className="text-xs text-slate-600">{describeFilter(s.filter)}</p>
                </li>
              )
            })}
          </ul>
        )}
        {canWrite && <SaveSegmentForm org={org} filters={filters} />}
      </div>
      <ConfirmDeletion
        target={deleting}
        title={`Delete the segment “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete the segment"
        deletion={del}
        deleted={`Segment “${deleting?.name ?? ''}” deleted.`}
        failedTitle="Segment not deleted"
        onClose={() => setDeleting(null)}
        onDeleted={(s) => {
          if (filters.segmentId === s.id) onApply({ ...filters, segmentId: null, attributes: {} })
        }}
      >
        <p className="text-sm text-slate-600">Only the saved filters are deleted; the contacts stay.</p>
      </ConfirmDeletion>
    </Card>
  )
}
