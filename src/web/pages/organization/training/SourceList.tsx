import { useState } from 'react'
import { useAddSource, useDeleteSource, useSource, useUpdateSource } from '../../../api/knowledge'
import type { Organization, Source } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { TextAreaField, TextField } from '../../../components/Field'
import { useServerForm } from '../../../components/forms/useServerForm'
import { PlanErrorNotice } from '../../../components/PlanRequired'

type Kind = 'faq' | 'text'

/** FAQs are a question and its answer; texts a title and the text. */
const WORDS: Record<
  Kind,
  { card: string; list: string; empty: string; hint: string; head: string; body: string; add: string }
> = {
  faq: {
    card: 'Frequently asked questions',
    list: 'FAQs',
    empty: 'No FAQs yet',
    hint: 'Questions customers ask, with the answer you want them to get.',
    head: 'Question',
    body: 'Answer',
    add: 'Add FAQ',
  },
  text: {
    card: 'Texts',
    list: 'Texts',
    empty: 'No texts yet',
    hint: 'Menus, price lists, policies: any text the assistant should know.',
    head: 'Title',
    body: 'Text',
    add: 'Add text',
  },
}

const headOf = (kind: Kind, s: Source) => (kind === 'faq' ? s.question : s.title) ?? ''

interface EditProps {
  org: Organization
  kind: Kind
  source: Source
  onDone: () => void
}

/** Edits one FAQ or text in place, once its whole text is loaded (the list carries previews of long ones). */
function EditSourceItem({ org, kind, source, onDone }: EditProps) {
  const whole = useSource(org.id, source.contentTruncated ? source.id : undefined)
  if (source.contentTruncated && !whole.data) {
    return (
      <li className="py-3">
        {whole.isError ? (
          <ErrorNotice error={whole.error} title="Could not load the whole text" />
        ) : (
          <LoadingBlock label="Loading the text…" lines={3} />
        )}
      </li>
    )
  }
  return <EditSourceForm org={org} kind={kind} source={whole.data ?? source} onDone={onDone} />
}

function EditSourceForm({ org, kind, source, onDone }: EditProps) {
  const update = useUpdateSource(org.id)
  const form = useServerForm({ head: headOf(kind, source), content: source.content }, update)
  const headKey = kind === 'faq' ? 'question' : 'title'
  const words = WORDS[kind]
  return (
    <li className="py-3">
      <form
        noValidate
        className="space-y-2"
        onSubmit={form.submit((v) =>
          update.mutate({ id: source.id, [headKey]: v.head, content: v.content }, { onSuccess: onDone }),
        )}
      >
        <TextField
          id={`edit-${source.id}-head`}
          label={words.head}
          {...form.bind('head')}
          error={form.error(headKey)}
        />
        <TextAreaField id={`edit-${source.id}-content`} label={words.body} {...form.bind('content')} />
        {update.isError && <PlanErrorNotice error={update.error} title="Not saved" />}
        <div className="flex gap-2">
          <Button type="submit" busy={update.isPending}>
            Save
          </Button>
          <Button variant="secondary" onClick={onDone}>
            Cancel
          </Button>
        </div>
      </form>
    </li>
  )
}

function AddSourceForm({ org, kind }: { org: Organization; kind: Kind }) {
  const add = useAddSource(org.id)
  const empty = { head: '', content: '' }
  const form = useServerForm(empty, add)
  const words = WORDS[kind]
  const headKey = kind === 'faq' ? 'question' : 'title'
  return (
    <form
      onSubmit={form.submit((v) =>
        add.mutate(
          kind === 'faq'
            ? { kind: 'faq', question: v.head, content: v.content }
            : { kind: 'text', title: v.head, content: v.content },
          { onSuccess: () => form.setValues(empty) },
        ),
      )}
      noValidate
      className="space-y-3 border-t border-slate-200 pt-4"
      data-testid={`add-${kind}`}
    >
      <TextField
        id={`new-${kind}-head`}
        label={kind === 'faq' ? 'New question' : 'New text title'}
        {...form.bind('head')}
        error={form.error(headKey)}
      />
      <TextAreaField
        id={`new-${kind}-content`}
        label={words.body}
        rows={kind === 'faq' ? 3 : 6}
        {...form.bind('content')}
      />
      {add.isError && !form.hasFieldErrors && <PlanErrorNotice error={add.error} title="Not added" />}
      <Button type="submit" busy={add.isPending}>
        {words.add}
      </Button>
    </form>
  )
}

/** The FAQs or the texts: each editable in place, deletable, and a form to add one. */
export function SourceList({
  org,
  kind,
  sources,
  canEdit,
}: {
  org: Organization
  kind: Kind
  sources: Source[]
  canEdit: boolean
}) {
  const del = useDeleteSource(org.id)
  const [editing, setEditing] = useState<string | null>(null)
  const words = WORDS[kind]
  return (
    <Card title={words.card}>
      <div className="space-y-4">
        {sources.length === 0 && <EmptyState title={words.empty}>{words.hint}</EmptyState>}
        {sources.length > 0 && (
          <ul className="divide-y divide-slate-200" aria-label={words.list}>
            {sources.map((s) =>
              editing === s.id ? (
                <EditSourceItem key={s.id} org={org} kind={kind} source={s} onDone={() => setEditing(null)} />
              ) : (
                <li
                  key={s.id}
                  className="flex flex-wrap items-start justify-between gap-2 py-3"
                  data-testid={`${kind}-item`}
                >
                  <div className="min-w-0 flex-1">
                    <p className="text-sm font-medium">{headOf(kind, s)}</p>
                    <p className="line-clamp-3 whitespace-pre-wrap text-sm text-slate-600">
                      {s.content}
                      {s.contentTruncated ? '…' : ''}
                    </p>
                  </div>
                  {canEdit && (
                    <div className="flex gap-1">
                      <Button
                        variant="ghost"
                        aria-label={`Edit ${headOf(kind, s)}`}
                        onClick={() => setEditing(s.id)}
                      >
                        Edit
                      </Button>
                      <Button
                        variant="ghost"
                        className="text-red-700"
                        aria-label={`Delete ${headOf(kind, s)}`}
                        busy={del.isPending && del.variables === s.id}
                        onClick={() => del.mutate(s.id)}
                      >
                        Delete
                      </Button>
                    </div>
                  )}
                </li>
              ),
            )}
          </ul>
        )}
        {del.isError && <ErrorNotice error={del.error} title="Not deleted" />}
        {canEdit && <AddSourceForm org={org} kind={kind} />}
      </div>
    </Card>
  )
}
