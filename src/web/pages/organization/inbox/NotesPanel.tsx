import { useState } from 'react'
import { useAddNote, useDeleteNote, useNotes } from '../../../api/inbox'
import { Button } from '../../../components/Button'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { TextAreaField } from '../../../components/Field'
import { formatDateTime } from '../../../components/format'

/**
 * Internal notes on a conversation: the team reads them, the customer never does. A note can be
 * deleted by its author (and by owners and admins).
 */
export function NotesPanel({
  orgId,
  conversationId,
  myUserId,
  canWrite,
  canDeleteAny,
}: {
  orgId: string
  conversationId: string
  myUserId: string | undefined
  canWrite: boolean
  canDeleteAny: boolean
}) {
  const notes = useNotes(orgId, conversationId)
  const add = useAddNote(orgId, conversationId)
  const remove = useDeleteNote(orgId, conversationId)
  const [text, setText] = useState('')
  return (
    <section aria-labelledby="notes-heading" className="space-y-3" data-testid="notes-panel">
      <h3 id="notes-heading" className="text-sm font-semibold text-slate-900">
        Internal notes <span className="font-normal text-slate-600">(the customer never sees them)</span>
      </h3>
      {notes.isPending && <LoadingBlock label="Loading the notes…" lines={2} />}
      {notes.isError && <ErrorNotice error={notes.error} title="Could not load the notes" />}
      {notes.data?.length === 0 && <p className="text-sm text-slate-600">No notes yet.</p>}
      {notes.data && notes.data.length > 0 && (
        <ul className="space-y-2">
          {notes.data.map((n) => (
            <li
              key={n.id}
              className="rounded-md border border-amber-200 bg-amber-50 p-2 text-sm"
              data-testid="note"
            >
              <p className="whitespace-pre-wrap">{n.body}</p>
              <div className="mt-1 flex items-center justify-between gap-2 text-xs text-slate-700">
                <span>
                  {n.author?.name ?? 'A former member'} · {formatDateTime(n.createdAt)}
                </span>
                {(n.author?.userId === myUserId || canDeleteAny) && (
                  <Button
                    variant="ghost"
                    className="px-2 py-1 text-xs"
                    onClick={() => remove.mutate(n.id)}
                    busy={remove.isPending && remove.variables === n.id}
                  >
                    Delete note
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {remove.isError && <ErrorNotice error={remove.error} title="Note not deleted" />}
      {canWrite && (
        <form
          noValidate
          className="space-y-2"
          aria-label="Add a note"
          onSubmit={(e) => {
            e.preventDefault()
            if (text.trim()) add.mutate(text.trim(), { onSuccess: () => setText('') })
          }}
        >
          <TextAreaField
            id="inbox-note"
            label="New note"
            rows={2}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          {add.isError && <ErrorNotice error={add.error} title="Note not added" showFields />}
          <Button type="submit" variant="secondary" busy={add.isPending} disabled={!text.trim()}>
            Add note
          </Button>
        </form>
      )}
    </section>
  )
}
