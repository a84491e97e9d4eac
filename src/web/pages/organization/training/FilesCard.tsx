import { useRef, useState } from 'react'
import { useDeleteSource, useUploadFile } from '../../../api/knowledge'
import type { Organization, Source } from '../../../api/types'
import { Button, focusRing } from '../../../components/Button'
import { Card, EmptyState, ErrorNotice } from '../../../components/Feedback'
import { PlanErrorNotice } from '../../../components/PlanRequired'
import { ProgressBar } from '../../../components/ProgressBar'
import { useToast } from '../../../components/Toast'
import { KnowledgeAllowance, useMaxFileSize } from '../billing/KnowledgeAllowance'

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
          <span className="text-xs text-slate-600">
            {formatSize(file.sizeBytes)}
            {file.status === 'ready' && ` · ${file.contentLength.toLocaleString('en-US')} characters of text`}
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

/** Uploaded files: each is read in the background; the list shows how far, and why one failed. */
export function FilesCard({ org, files, canEdit }: { org: Organization; files: Source[]; canEdit: boolean }) {
  const [progress, setProgress] = useState<number | null>(null)
  const upload = useUploadFile(org.id, setProgress)
  const del = useDeleteSource(org.id)
  const toast = useToast()
  const input = useRef<HTMLInputElement>(null)
  const maxFileSize = useMaxFileSize(org)
  return (
    <Card title="Files">
      <div className="space-y-4">
        {files.length === 0 && (
          <EmptyState title="No files yet">
            PDF, Word (DOCX), CSV, Markdown or text files, up to {maxFileSize} each on your plan.
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
                  onSuccess: ({ source }) =>
                    toast(`Uploaded ${source.fileName ?? file.name}. Its text is being read (see Files).`),
                  onSettled: () => {
                    if (input.current) input.current.value = ''
                  },
                })
              }}
            />
            <p id="knowledge-file-limits" className="text-xs text-slate-600">
              Up to {maxFileSize} on your plan; at most 2,000 PDF pages, 100,000 CSV rows and 10 million
              characters of text per file.
            </p>
            {upload.isPending && progress !== null && (
              <ProgressBar id="upload-progress" label="Uploading" value={progress * 100} />
            )}
            <KnowledgeAllowance org={org} />
            {upload.isError && <PlanErrorNotice error={upload.error} title="Upload failed" />}
          </div>
        )}
        {del.isError && <ErrorNotice error={del.error} title="Not deleted" />}
      </div>
    </Card>
  )
}
