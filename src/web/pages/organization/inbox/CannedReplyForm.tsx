import type { CannedReply } from '../../../api/inbox'
import { useSaveCannedReply } from '../../../api/inbox'
import { Button } from '../../../components/Button'
import { ErrorNotice } from '../../../components/Feedback'
import { TextAreaField, TextField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'

/** Writes a new canned reply, or edits one (`editing`); the server's field messages show beside the fields. */
export function CannedReplyForm({
  orgId,
  editing,
  onDone,
}: {
  orgId: string
  editing: CannedReply | null
  onDone: () => void
}) {
  const save = useSaveCannedReply(orgId)
  const form = useServerForm({ title: editing?.title ?? '', body: editing?.body ?? '' }, save)
  return (
    <form
      noValidate
      className="space-y-3"
      aria-label={editing ? 'Edit the canned reply' : 'New canned reply'}
      onSubmit={form.submit((values) => save.mutate({ ...values, id: editing?.id }, { onSuccess: onDone }))}
    >
      <TextField id="canned-title" label="Title" {...form.bind('title')} />
      <TextAreaField id="canned-body" label="Text" {...form.bind('body')} />
      {save.isError && !form.hasFieldErrors && <ErrorNotice error={save.error} title="Not saved" />}
      <div className="flex gap-2">
        <Button type="submit" busy={save.isPending}>
          {editing ? 'Save the canned reply' : 'Add the canned reply'}
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  )
}
