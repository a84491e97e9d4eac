import type { UseQueryResult } from '@tanstack/react-query'
import { useState } from 'react'
import { useCreateTag, useDeleteTag, useUpdateTag } from '../../../api/contacts'
import type { Organization, Tag } from '../../../api/types'
import { Button, focusRing } from '../../../components/Button'
import { ConfirmDeletion } from '../../../components/ConfirmDeletion'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { inlineInputClass, TextField } from '../../../components/Field'
import { formatCount } from '../../../components/format'
import { useServerForm } from '../../../components/forms/useServerForm'
import { useToast } from '../../../components/Toast'
import { DEFAULT_TAG_COLOR, TagChip } from './TagChip'

const colorClass = `h-9 w-12 cursor-pointer rounded-md border border-slate-300 bg-white p-1 ${focusRing}`

function NewTagForm({ org }: { org: Organization }) {
  const create = useCreateTag(org.id)
  const toast = useToast()
  const form = useServerForm({ name: '', color: DEFAULT_TAG_COLOR }, create)
  return (
    <form
      noValidate
      className="space-y-2 border-t border-slate-200 pt-3"
      onSubmit={form.submit((v) =>
        create.mutate(
          { name: v.name.trim(), color: v.color },
          {
            onSuccess: ({ tag }) => {
              toast(`Tag “${tag.name}” created.`)
              form.set('name', '')
            },
          },
        ),
      )}
    >
      <div className="flex items-end gap-2">
        <div className="min-w-0 flex-1">
          <TextField id="new-tag-name" label="New tag" {...form.bind('name')} />
        </div>
        <div className="space-y-1">
          <label htmlFor="new-tag-color" className="block text-sm font-medium text-slate-700">
            Colour
          </label>
          <input
            id="new-tag-color"
            type="color"
            className={colorClass}
            value={form.values.color}
            onChange={(e) => form.set('color', e.target.value)}
          />
        </div>
      </div>
      {form.error('color') && (
        <p role="alert" className="text-xs text-red-600">
          {form.error('color')}
        </p>
      )}
      <Button type="submit" busy={create.isPending} disabled={!form.values.name.trim()}>
        Create the tag
      </Button>
      {create.isError && !form.hasFieldErrors && <ErrorNotice error={create.error} title="Tag not created" />}
    </form>
  )
}

function TagRow({
  org,
  tag,
  canWrite,
  onDelete,
}: {
  org: Organization
  tag: Tag
  canWrite: boolean
  onDelete: () => void
}) {
  const update = useUpdateTag(org.id)
  const toast = useToast()
  const [editing, setEditing] = useState(false)
  const [name, setName] = useState(tag.name)
  const [color, setColor] = useState(tag.color)
  if (editing) {
    return (
      <li className="space-y-2 py-2" data-testid="tag-row">
        <form
          noValidate
          className="flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault()
            update.mutate(
              { id: tag.id, name: name.trim(), color },
              {
                onSuccess: ({ tag: saved }) => {
                  toast(`Tag “${saved.name}” saved.`)
                  setEditing(false)
                },
              },
            )
          }}
        >
          <label htmlFor={`tag-name-${tag.id}`} className="sr-only">
            Name of the tag {tag.name}
          </label>
          <input
            id={`tag-name-${tag.id}`}
            className={`${inlineInputClass} min-w-0 flex-1`}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <label htmlFor={`tag-color-${tag.id}`} className="sr-only">
            Colour of the tag {tag.name}
          </label>
          <input
            id={`tag-color-${tag.id}`}
            type="color"
            className={colorClass}
            value={color}
            onChange={(e) => setColor(e.target.value)}
          />
          <Button type="submit" busy={update.isPending} disabled={!name.trim()}>
            Save
          </Button>
          <Button
            variant="ghost"
            onClick={() => {
              setEditing(false)
              setName(tag.name)
              setColor(tag.color)
              update.reset()
            }}
          >
            Cancel
          </Button>
        </form>
        {update.isError && <ErrorNotice error={update.error} title="Tag not saved" showFields />}
      </li>
    )
  }
  return (
    <li className="flex items-center justify-between gap-2 py-2" data-testid="tag-row">
      <span className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
        <TagChip name={tag.name} color={tag.color} />
        <span className="text-xs text-slate-600" data-testid="tag-count">
          {formatCount(tag.contactCount)} {tag.contactCount === 1 ? 'contact' : 'contacts'}
        </span>
      </span>
      {canWrite && (
        <span className="flex shrink-0">
          <Button variant="ghost" className="px-2 py-1" onClick={() => setEditing(true)}>
            Edit<span className="sr-only"> the tag {tag.name}</span>
          </Button>
          <Button variant="ghost" className="px-2 py-1 text-red-700" onClick={onDelete}>
            Delete<span className="sr-only"> the tag {tag.name}</span>
          </Button>
        </span>
      )}
    </li>
  )
}

/** The organization's tags with their colours and how many contacts carry each; create, rename, recolour, delete. */
export function TagsCard({
  org,
  tags,
  canWrite,
}: {
  org: Organization
  tags: UseQueryResult<Tag[]>
  canWrite: boolean
}) {
  const del = useDeleteTag(org.id)
  const [deleting, setDeleting] = useState<Tag | null>(null)
  return (
    <Card title="Tags">
      <div className="space-y-3">
        {tags.isPending && <LoadingBlock label="Loading tags…" lines={2} />}
        {tags.isError && <ErrorNotice error={tags.error} title="Could not load the tags" />}
        {tags.data && tags.data.length === 0 && (
          <EmptyState title="No tags yet">Tags label customers: “vip”, “wholesale”, “Paris”…</EmptyState>
        )}
        {tags.data && tags.data.length > 0 && (
          <ul className="divide-y divide-slate-200" aria-label="Tags">
            {tags.data.map((t) => (
              <TagRow key={t.id} org={org} tag={t} canWrite={canWrite} onDelete={() => setDeleting(t)} />
            ))}
          </ul>
        )}
        {canWrite && <NewTagForm org={org} />}
      </div>
      <ConfirmDeletion
        target={deleting}
        title={`Delete the tag “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete the tag"
        deletion={del}
        deleted={`Tag “${deleting?.name ?? ''}” deleted.`}
        failedTitle="Tag not deleted"
        onClose={() => setDeleting(null)}
      >
        <p className="text-sm text-slate-600">
          It is taken off the {formatCount(deleting?.contactCount ?? 0)} contacts that carry it. The contacts
          stay.
        </p>
      </ConfirmDeletion>
    </Card>
  )
}
