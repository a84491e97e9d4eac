import { type FormEvent, useRef, useState } from 'react'
import { ApiError } from '../../api/client'
import {
  type Knowledge,
  useAddSource,
  useAsk,
  useDeleteSource,
  useKnowledge,
  useSaveProfile,
  useSource,
  useTrain,
  useUpdateSource,
  useUploadFile,
} from '../../api/knowledge'
import { atLeast, type Organization, type ProfileFields, type Source } from '../../api/types'
import { TrainingBadge } from '../../components/Badges'
import { Button, focusRing } from '../../components/Button'
import {
  Card,
  EmptyState,
  ErrorNotice,
  LoadingBlock,
  ReadOnlyNote,
  SuccessNotice,
} from '../../components/Feedback'
import { TextAreaField, TextField } from '../../components/Field'
import { formatDateTime } from '../../components/format'
import { ProgressBar } from '../../components/UsageBar'

const PROFILE_FIELDS: {
  key: keyof ProfileFields
  label: string
  multiline?: boolean
  placeholder?: string
}[] = [
  { key: 'name', label: 'Business name' },
  { key: 'description', label: 'What you do', multiline: true },
  { key: 'location', label: 'Location' },
  { key: 'openingHours', label: 'Opening hours', placeholder: 'Mon–Fri 9:00–17:00' },
  { key: 'contact', label: 'Contact' },
  { key: 'policies', label: 'Policies (delivery, returns, payment…)', multiline: true },
  { key: 'toneOfVoice', label: 'Tone of voice' },
  { key: 'language', label: 'Language' },
]

function TrainingCard({ org, knowledge }: { org: Organization; knowledge: Knowledge }) {
  const train = useTrain(org.id)
  const canEdit = atLeast(org.role, 'admin')
  const t = knowledge.training
  const training = t.status === 'training' || train.isPending
  const reading = knowledge.sources.filter((s) => s.status === 'processing').length
  const unreadable = knowledge.sources.filter((s) => s.status === 'failed').length
  return (
    <Card
      title="Training"
      actions={
        canEdit && (
          <Button onClick={() => train.mutate()} busy={training} disabled={knowledge.sources.length === 0}>
            {training ? 'Training…' : 'Train'}
          </Button>
        )
      }
    >
      <div className="space-y-3 text-sm" aria-live="polite">
        <div className="flex flex-wrap items-center gap-3">
          <span data-testid="training-status">
            <TrainingBadge status={t.status} progress={t.progress} />
          </span>
          <span className="text-slate-500" data-testid="trained-at">
            Last trained: {formatDateTime(t.trainedAt)}
          </span>
        </div>
        {t.status === 'trained' && t.changedSinceTraining && (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900" data-testid="retrain-notice">
            Your knowledge changed since the last training. Train again so customers get the new answers.
          </p>
        )}
        {t.status === 'training' && (
          <ProgressBar id="training-progress" label="Training progress" value={t.progress} />
        )}
        {t.status === 'failed' && t.error && (
          <ErrorNotice error={new Error(t.error)} title="Training failed" />
        )}
        {reading > 0 && (
          <p className="text-slate-600" data-testid="files-reading-notice">
            {reading === 1 ? 'One file is' : `${reading} files are`} still being read. Training uses a file
            once it is ready.
          </p>
        )}
        {unreadable > 0 && (
          <p className="text-slate-600">
            {unreadable === 1 ? 'One file' : `${unreadable} files`} could not be read and{' '}
            {unreadable === 1 ? 'is' : 'are'} left out of training (see Files below).
          </p>
        )}
        {knowledge.sources.length === 0 && (
          <p className="text-slate-500">
            Add a profile, FAQs, texts or files below, then train the assistant.
          </p>
        )}
        {train.isError && <ErrorNotice error={train.error} title="Training did not start" />}
      </div>
    </Card>
  )
}

function ProfileForm({ org, profile, canEdit }: { org: Organization; profile?: Source; canEdit: boolean }) {
  const save = useSaveProfile(org.id)
  const [fields, setFields] = useState<ProfileFields>(() => profile?.fields ?? { name: org.name })
  const err = save.error instanceof ApiError ? save.error : null
  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    const clean = Object.fromEntries(
      Object.entries(fields).filter(([, v]) => typeof v === 'string' && v.trim() !== ''),
    )
    save.mutate(clean)
  }
  return (
    <Card title="Business profile">
      <form onSubmit={onSubmit} noValidate className="space-y-4" data-testid="profile-form">
        <fieldset disabled={!canEdit} className="grid gap-4 sm:grid-cols-2">
          {PROFILE_FIELDS.map((f) =>
            f.multiline ? (
              <div key={f.key} className="sm:col-span-2">
                <TextAreaField
                  id={`profile-${f.key}`}
                  label={f.label}
                  value={fields[f.key] ?? ''}
                  placeholder={f.placeholder}
                  onChange={(e) => setFields((s) => ({ ...s, [f.key]: e.target.value }))}
                  error={err?.fieldError(`fields.${f.key}`)}
                />
              </div>
            ) : (
              <TextField
                key={f.key}
                id={`profile-${f.key}`}
                label={f.label}
                value={fields[f.key] ?? ''}
                placeholder={f.placeholder}
                onChange={(e) => setFields((s) => ({ ...s, [f.key]: e.target.value }))}
                error={err?.fieldError(`fields.${f.key}`)}
              />
            ),
          )}
        </fieldset>
        {save.isError && (
          <ErrorNotice error={save.error} title="Profile not saved" showFields={!err?.fieldErrors.length} />
        )}
        {canEdit && (
          <div className="flex items-center gap-3">
            <Button type="submit" busy={save.isPending}>
              Save profile
            </Button>
            {save.isSuccess && <SuccessNotice>Profile saved. Train again to use it.</SuccessNotice>}
          </div>
        )}
      </form>
    </Card>
  )
}

/**
 * Edits one FAQ or text in place. The knowledge list carries a preview of long texts, so the
 * whole text is fetched before the form opens.
 */
function EditSourceItem({
  org,
  source,
  isFaq,
  onDone,
}: {
  org: Organization
  source: Source
  isFaq: boolean
  onDone: () => void
}) {
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
  return <EditSourceForm org={org} source={whole.data ?? source} isFaq={isFaq} onDone={onDone} />
}

function EditSourceForm({
  org,
  source,
  isFaq,
  onDone,
}: {
  org: Organization
  source: Source
  isFaq: boolean
  onDone: () => void
}) {
  const update = useUpdateSource(org.id)
  const [head, setHead] = useState((isFaq ? source.question : source.title) ?? '')
  const [content, setContent] = useState(source.content)
  const headKey = isFaq ? 'question' : 'title'
  return (
    <li className="space-y-2 py-3">
      <TextField
        id={`edit-${source.id}-head`}
        label={isFaq ? 'Question' : 'Title'}
        value={head}
        onChange={(e) => setHead(e.target.value)}
      />
      <TextAreaField
        id={`edit-${source.id}-content`}
        label={isFaq ? 'Answer' : 'Text'}
        value={content}
        onChange={(e) => setContent(e.target.value)}
      />
      {update.isError && <ErrorNotice error={update.error} title="Not saved" showFields />}
      <div className="flex gap-2">
        <Button
          busy={update.isPending}
          onClick={() => update.mutate({ id: source.id, [headKey]: head, content }, { onSuccess: onDone })}
        >
          Save
        </Button>
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </li>
  )
}

/** Editor for FAQ (question + answer) or text (title + content) sources. */
function SourceEditor({
  org,
  kind,
  sources,
  canEdit,
}: {
  org: Organization
  kind: 'faq' | 'text'
  sources: Source[]
  canEdit: boolean
}) {
  const add = useAddSource(org.id)
  const del = useDeleteSource(org.id)
  const [head, setHead] = useState('')
  const [content, setContent] = useState('')
  const [editing, setEditing] = useState<string | null>(null)
  const isFaq = kind === 'faq'
  const addErr = add.error instanceof ApiError ? add.error : null
  const headKey = isFaq ? 'question' : 'title'

  const onAdd = (e: FormEvent) => {
    e.preventDefault()
    const input = isFaq
      ? { kind: 'faq' as const, question: head, content }
      : { kind: 'text' as const, title: head, content }
    add.mutate(input, {
      onSuccess: () => {
        setHead('')
        setContent('')
      },
    })
  }

  return (
    <Card title={isFaq ? 'Frequently asked questions' : 'Texts'}>
      <div className="space-y-4">
        {sources.length === 0 && (
          <EmptyState title={isFaq ? 'No FAQs yet' : 'No texts yet'}>
            {isFaq
              ? 'Questions customers ask, with the answer you want them to get.'
              : 'Menus, price lists, policies: any text the assistant should know.'}
          </EmptyState>
        )}
        {sources.length > 0 && (
          <ul className="divide-y divide-slate-200" aria-label={isFaq ? 'FAQs' : 'Texts'}>
            {sources.map((s) =>
              editing === s.id ? (
                <EditSourceItem
                  key={s.id}
                  org={org}
                  source={s}
                  isFaq={isFaq}
                  onDone={() => setEditing(null)}
                />
              ) : (
                <li
                  key={s.id}
                  className="flex flex-wrap items-start justify-between gap-2 py-3"
                  data-testid={`${kind}-item`}
                >
                  <div className="min-w-0 flex-1">
                    <p className="text-sm font-medium">{isFaq ? s.question : s.title}</p>
                    <p className="line-clamp-3 whitespace-pre-wrap text-sm text-slate-600">
                      {s.content}
                      {s.contentTruncated ? '…' : ''}
                    </p>
                  </div>
                  {canEdit && (
                    <div className="flex gap-1">
                      <Button
                        variant="ghost"
                        aria-label={`Edit ${isFaq ? s.question : s.title}`}
                        onClick={() => setEditing(s.id)}
                      >
                        Edit
                      </Button>
                      <Button
                        variant="ghost"
                        className="text-red-700"
                        aria-label={`Delete ${isFaq ? s.question : s.title}`}
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
        {canEdit && (
          <form
            onSubmit={onAdd}
            noValidate
            className="space-y-3 border-t border-slate-200 pt-4"
            data-testid={`add-${kind}`}
          >
            <TextField
              id={`new-${kind}-head`}
              label={isFaq ? 'New question' : 'New text title'}
              value={head}
              onChange={(e) => setHead(e.target.value)}
              error={addErr?.fieldError(headKey)}
            />
            <TextAreaField
              id={`new-${kind}-content`}
              label={isFaq ? 'Answer' : 'Text'}
              rows={isFaq ? 3 : 6}
              value={content}
              onChange={(e) => setContent(e.target.value)}
              error={addErr?.fieldError('content')}
            />
            {add.isError && !addErr?.fieldErrors.length && (
              <ErrorNotice error={add.error} title="Not added" />
            )}
            <Button type="submit" busy={add.isPending}>
              {isFaq ? 'Add FAQ' : 'Add text'}
            </Button>
          </form>
        )}
      </div>
    </Card>
  )
}

const formatSize = (bytes: number | null) =>
  bytes === null
    ? ''
    : bytes < 1024
      ? `${bytes} B`
      : bytes < 1024 * 1024
        ? `${(bytes / 1024).toFixed(1)} KB`
        : `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** One uploaded file: its text being read (with progress), ready (its size and length), or failed with the reason. */
function FileItem({
  file,
  canEdit,
  onDelete,
  deleting,
}: {
  file: Source
  canEdit: boolean
  onDelete: () => void
  deleting: boolean
}) {
  const name = file.fileName ?? file.title
  return (
    <li className="space-y-2 py-2 text-sm" data-testid="file-item" data-status={file.status}>
      <div className="flex items-center justify-between gap-2">
        <span className="min-w-0 truncate">
          {name}{' '}
          <span className="text-xs text-slate-500">
            {formatSize(file.sizeBytes)}
            {file.status === 'ready' && ` · ${file.contentLength.toLocaleString()} characters of text`}
          </span>
        </span>
        {canEdit && (
          <Button
            variant="ghost"
            className="text-red-700"
            aria-label={`Delete ${name}`}
            busy={deleting}
            onClick={onDelete}
          >
            Delete
          </Button>
        )}
      </div>
      {file.status === 'processing' && (
        <ProgressBar id={`file-${file.id}-progress`} label="Reading its text…" value={file.progress} />
      )}
      {file.status === 'failed' && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-800" data-testid="file-error">
          <span className="font-medium">Could not be read.</span> {file.error ?? 'Unknown reason.'} This file
          is left out of training: delete it and upload one that can be read.
        </p>
      )}
    </li>
  )
}

function FilesCard({ org, files, canEdit }: { org: Organization; files: Source[]; canEdit: boolean }) {
  const [progress, setProgress] = useState<number | null>(null)
  const upload = useUploadFile(org.id, setProgress)
  const del = useDeleteSource(org.id)
  const input = useRef<HTMLInputElement>(null)
  return (
    <Card title="Files">
      <div className="space-y-4">
        {files.length === 0 && (
          <EmptyState title="No files yet">
            PDF, Word (DOCX), CSV, Markdown or text files, up to 10 MB each.
          </EmptyState>
        )}
        {files.length > 0 && (
          <ul className="divide-y divide-slate-200" aria-label="Files">
            {files.map((f) => (
              <FileItem
                key={f.id}
                file={f}
                canEdit={canEdit}
                deleting={del.isPending && del.variables === f.id}
                onDelete={() => del.mutate(f.id)}
              />
            ))}
          </ul>
        )}
        {canEdit && (
          <div className="space-y-2">
            <label htmlFor="knowledge-file" className="block text-sm font-medium text-slate-700">
              Upload a file
            </label>
            <input
              ref={input}
              id="knowledge-file"
              type="file"
              accept=".pdf,.docx,.csv,.txt,.md,text/plain,text/csv,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
              className={`block w-full text-sm file:mr-3 file:rounded-md file:border-0 file:bg-emerald-50 file:px-3 file:py-2 file:text-emerald-800 ${focusRing}`}
              disabled={upload.isPending}
              aria-describedby="knowledge-file-limits"
              onChange={(e) => {
                const file = e.target.files?.[0]
                if (!file) return
                setProgress(0)
                upload.mutate(file, {
                  onSettled: () => {
                    if (input.current) input.current.value = ''
                  },
                })
              }}
            />
            <p id="knowledge-file-limits" className="text-xs text-slate-500">
              Up to 10 MB; at most 2,000 PDF pages, 100,000 CSV rows and 10 million characters of text per
              file.
            </p>
            {upload.isPending && progress !== null && (
              <ProgressBar id="upload-progress" label="Uploading" value={progress * 100} />
            )}
            {upload.isSuccess && (
              <SuccessNotice>
                Uploaded {upload.data.source.fileName}. Its text is being read; you can train once it is
                ready.
              </SuccessNotice>
            )}
            {upload.isError && <ErrorNotice error={upload.error} title="Upload failed" />}
          </div>
        )}
        {del.isError && <ErrorNotice error={del.error} title="Not deleted" />}
      </div>
    </Card>
  )
}

function TryBox({ org }: { org: Organization }) {
  const ask = useAsk(org.id)
  const [question, setQuestion] = useState('')
  return (
    <Card title="Try a question">
      <form
        noValidate
        className="flex flex-col gap-2 sm:flex-row sm:items-end"
        onSubmit={(e) => {
          e.preventDefault()
          if (question.trim()) ask.mutate(question)
        }}
      >
        <div className="flex-1">
          <TextField
            id="try-question"
            label="Ask what a customer would ask"
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            placeholder="What time do you open?"
          />
        </div>
        <Button type="submit" busy={ask.isPending} disabled={!question.trim()}>
          Ask
        </Button>
      </form>
      <div className="mt-4 space-y-3" aria-live="polite">
        {ask.isError && <ErrorNotice error={ask.error} title="No answer" />}
        {ask.data && (
          <div className="space-y-3">
            <div className="rounded-lg bg-emerald-50 p-3" data-testid="try-answer">
              <p className="whitespace-pre-wrap text-sm">{ask.data.answer}</p>
              <p className="mt-2 text-xs text-slate-500">
                {ask.data.model} · {ask.data.latencyMs} ms
                {ask.data.escalate ? ' · would hand over to a person' : ''}
              </p>
            </div>
            {ask.data.passages.length > 0 ? (
              <div>
                <p className="text-sm font-medium">Passages used</p>
                <ol className="mt-1 space-y-2" data-testid="try-passages">
                  {ask.data.passages.map((p, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a source can give several passages
                    <li key={`${p.sourceId}-${i}`} className="rounded-md border border-slate-200 p-2 text-sm">
                      <p className="font-medium">
                        {p.title}{' '}
                        <span className="text-xs font-normal text-slate-500">score {p.score.toFixed(2)}</span>
                      </p>
                      <p className="line-clamp-4 whitespace-pre-wrap text-slate-600">{p.content}</p>
                    </li>
                  ))}
                </ol>
              </div>
            ) : (
              <p className="text-sm text-slate-500">No passage matched this question.</p>
            )}
          </div>
        )}
      </div>
    </Card>
  )
}

export function TrainingTab({ org }: { org: Organization }) {
  const knowledge = useKnowledge(org.id)
  const canEdit = atLeast(org.role, 'admin')
  if (knowledge.isPending) return <LoadingBlock label="Loading knowledge…" lines={6} />
  if (knowledge.isError)
    return <ErrorNotice error={knowledge.error} title="Could not load the knowledge base" />
  const { sources } = knowledge.data
  const profile = sources.find((s) => s.kind === 'profile')
  return (
    <div className="space-y-4">
      {!canEdit && (
        <ReadOnlyNote>Only owners and admins change the knowledge and train the assistant.</ReadOnlyNote>
      )}
      <TrainingCard org={org} knowledge={knowledge.data} />
      <TryBox org={org} />
      <ProfileForm org={org} profile={profile} canEdit={canEdit} />
      <SourceEditor
        org={org}
        kind="faq"
        sources={sources.filter((s) => s.kind === 'faq')}
        canEdit={canEdit}
      />
      <SourceEditor
        org={org}
        kind="text"
        sources={sources.filter((s) => s.kind === 'text')}
        canEdit={canEdit}
      />
      <FilesCard org={org} files={sources.filter((s) => s.kind === 'file')} canEdit={canEdit} />
    </div>
  )
}
