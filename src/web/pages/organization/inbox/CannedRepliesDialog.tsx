import { useState } from 'react'
import { type CannedReply, useCannedReplies, useDeleteCannedReply } from '../../../api/inbox'
import { Button } from '../../../components/Button'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { Modal } from '../../../components/Modal'
import { CannedReplyForm } from './CannedReplyForm'

/** Owners and admins manage the team's canned replies here; every agent inserts them from the reply box. */
export function CannedRepliesDialog({ orgId }: { orgId: string }) {
  const [open, setOpen] = useState(false)
  const [editing, setEditing] = useState<CannedReply | 'new' | null>(null)
  const canned = useCannedReplies(orgId)
  const remove = useDeleteCannedReply(orgId)
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Canned replies
      </Button>
      <Modal
        open={open}
        title="Canned replies"
        onClose={() => {
          setOpen(false)
          setEditing(null)
        }}
      >
        <div className="space-y-4">
          {editing ? (
            <CannedReplyForm
              key={editing === 'new' ? 'new' : editing.id}
              orgId={orgId}
              editing={editing === 'new' ? null : editing}
              onDone={() => setEditing(null)}
            />
          ) : (
            <>
              {canned.isPending && <LoadingBlock label="Loading the canned replies…" lines={2} />}
              {canned.isError && (
                <ErrorNotice error={canned.error} title="Could not load the canned replies" />
              )}
              {canned.data?.length === 0 && (
                <p className="text-sm text-slate-600">
                  None yet: write the answers your team gives most often.
                </p>
              )}
              <ul className="divide-y divide-slate-200">
                {canned.data?.map((r) => (
                  <li
                    key={r.id}
                    className="flex items-start justify-between gap-2 py-2"
                    data-testid="canned-row"
                  >
                    <div className="min-w-0">
                      <p className="text-sm font-medium">{r.title}</p>
                      <p className="truncate text-sm text-slate-600">{r.body}</p>
                    </div>
                    <div className="flex shrink-0 gap-1">
                      <Button
                        variant="ghost"
                        className="px-2 py-1"
                        onClick={() => setEditing(r)}
                        aria-label={`Edit ${r.title}`}
                      >
                        Edit
                      </Button>
                      <Button
                        variant="ghost"
                        className="px-2 py-1"
                        aria-label={`Delete ${r.title}`}
                        busy={remove.isPending && remove.variables === r.id}
                        onClick={() => remove.mutate(r.id)}
                      >
                        Delete
                      </Button>
                    </div>
                  </li>
                ))}
              </ul>
              {remove.isError && <ErrorNotice error={remove.error} title="Not deleted" />}
              <Button onClick={() => setEditing('new')}>New canned reply</Button>
            </>
          )}
        </div>
      </Modal>
    </>
  )
}
