import { useState } from 'react'
import { isLive, recipientsCsvUrl, useBroadcast, useCancelBroadcast } from '../../../api/broadcasts'
import { atLeast, type Broadcast, type Organization } from '../../../api/types'
import { Button, focusRing } from '../../../components/Button'
import { Card, ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../../components/Feedback'
import { formatCount, formatOrgDate, formatPhone } from '../../../components/format'
import { Modal } from '../../../components/Modal'
import { ProgressBar } from '../../../components/ProgressBar'
import { useToast } from '../../../components/Toast'
import { BroadcastStatusBadge, RECIPIENT_STATUSES, reasonLabel, SKIP_REASONS } from './BroadcastBadges'
import { formatLocal } from './orgTime'
import { RecipientsTable } from './RecipientsTable'

/** Recipients handled so far: every one no longer waiting its turn. */
export const doneOf = (b: Broadcast) => Math.max(0, b.recipientCount - b.counts.pending)

/** Recipients handled out of all of them: labelled in the detail, a thin bar with its figure in a list row. */
export function BroadcastProgress({
  broadcast,
  compact = false,
}: {
  broadcast: Broadcast
  compact?: boolean
}) {
  const total = broadcast.recipientCount
  const done = doneOf(broadcast)
  return (
    <ProgressBar
      id={compact ? 'broadcast-row-progress' : 'broadcast-progress'}
      label={compact ? `Progress of ${broadcast.name}` : 'Progress'}
      value={done}
      max={total}
      figure={`${formatCount(done)} / ${formatCount(total)}`}
      valueText={`${formatCount(done)} of ${formatCount(total)} recipients handled`}
      compact={compact}
    />
  )
}

/** One broadcast as it goes: progress, counts by status, the recipients, the results file; cancel while it may. */
export function BroadcastDetail({
  org,
  broadcastId,
  onBack,
}: {
  org: Organization
  broadcastId: string
  onBack: () => void
}) {
  const query = useBroadcast(org.id, broadcastId)
  const cancel = useCancelBroadcast(org.id, broadcastId)
  const toast = useToast()
  const [confirming, setConfirming] = useState(false)
  const canSend = atLeast(org.role, 'agent')
  const back = (
    <Button variant="secondary" onClick={onBack}>
      Back to the list
    </Button>
  )
  if (query.isPending) return <LoadingBlock label="Loading the broadcast…" lines={6} />
  if (query.isError) {
    return (
      <Card title="Broadcast" actions={back}>
        <ErrorNotice error={query.error} title="Could not load the broadcast" />
      </Card>
    )
  }
  const b = query.data
  const live = isLive(b)
  return (
    <div className="space-y-4" data-testid="broadcast-detail">
      <Card
        title={
          <span className="flex flex-wrap items-center gap-2">
            {b.name}
            <BroadcastStatusBadge status={b.status} reason={b.stoppedReason} />
          </span>
        }
        actions={back}
      >
        <div className="space-y-4">
          <dl className="grid gap-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-600">Template</dt>
            <dd>{`${b.template.name} (${b.template.language})`}</dd>
            <dt className="text-slate-600">From</dt>
            <dd className="font-mono">{b.fromNumber ? formatPhone(b.fromNumber) : '—'}</dd>
            <dt className="text-slate-600">{b.startedAt ? 'Started' : 'Sends on'}</dt>
            <dd data-testid="broadcast-send-at">
              {b.startedAt
                ? formatOrgDate(b.startedAt, b.timeZone, true)
                : formatLocal(b.sendAtLocal, b.timeZone)}
            </dd>
            <dt className="text-slate-600">Created</dt>
            <dd>{formatOrgDate(b.createdAt, b.timeZone, true)}</dd>
            {b.finishedAt && (
              <>
                <dt className="text-slate-600">Finished</dt>
                <dd>{formatOrgDate(b.finishedAt, b.timeZone, true)}</dd>
              </>
            )}
          </dl>
          {b.status === 'stopped' && b.stoppedReason && (
            <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {`Stopped: ${b.stoppedReason}. Recipients not reached are listed as skipped.`}
            </p>
          )}
          <BroadcastProgress broadcast={b} />
          <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4" data-testid="broadcast-counts">
            {RECIPIENT_STATUSES.map((s) => (
              <div key={s.id} className="rounded-md border border-slate-200 p-2" data-count={s.id}>
                <dt className="text-xs text-slate-600">{s.label}</dt>
                <dd className="text-lg font-semibold">{formatCount(b.counts[s.id])}</dd>
              </div>
            ))}
          </dl>
          {b.counts.skipped > 0 && (
            <div>
              <p className="text-sm font-medium text-slate-700">Skipped, by reason</p>
              <ul className="text-sm text-slate-700" data-testid="broadcast-skipped">
                {SKIP_REASONS.filter((r) => b.skippedReasons[r] > 0).map((r) => (
                  <li key={r} data-reason={r}>
                    {`${reasonLabel(r)}: ${formatCount(b.skippedReasons[r])}`}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div className="flex flex-wrap items-center gap-3">
            <a
              href={recipientsCsvUrl(org.id, b.id)}
              download
              className={`inline-flex items-center rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 ${focusRing}`}
              data-testid="recipients-csv"
            >
              Download the results (CSV)
            </a>
            {canSend && live && (
              <Button variant="danger" onClick={() => setConfirming(true)}>
                Cancel the broadcast
              </Button>
            )}
            {live && <span className="text-xs text-slate-600">Updates live.</span>}
          </div>
          {cancel.isError && <ErrorNotice error={cancel.error} title="Not cancelled" />}
          {!canSend && (
            <ReadOnlyNote>Viewers can follow broadcasts; agents and above send and cancel them.</ReadOnlyNote>
          )}
        </div>
      </Card>
      <Card title="Recipients">
        <RecipientsTable
          orgId={org.id}
          broadcastId={b.id}
          version={`${b.status}:${JSON.stringify(b.counts)}`}
        />
      </Card>
      {/* Not ConfirmDialog: its "Cancel" button beside "Cancel the broadcast" would read as the same thing. */}
      <Modal open={confirming} title="Cancel this broadcast?" onClose={() => setConfirming(false)}>
        <div className="space-y-4">
          <p className="text-sm text-slate-700">
            {`${formatCount(b.counts.pending)} recipients not messaged yet will be skipped. Messages already sent cannot be taken back.`}
          </p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              Keep it
            </Button>
            <Button
              variant="danger"
              busy={cancel.isPending}
              onClick={() =>
                cancel.mutate(undefined, {
                  onSuccess: () => {
                    setConfirming(false)
                    toast(`“${b.name}” is cancelled.`)
                  },
                  onError: () => setConfirming(false),
                })
              }
            >
              Cancel the broadcast
            </Button>
          </div>
        </div>
      </Modal>
    </div>
  )
}
