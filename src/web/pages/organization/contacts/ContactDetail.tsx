import { useId, useState } from 'react'
import { Link } from 'react-router-dom'
import { useContact, useDeleteContact, useUpdateContact } from '../../../api/contacts'
import type { Contact, Organization, Tag } from '../../../api/types'
import { Button, focusRing } from '../../../components/Button'
import { ConfirmDeletion } from '../../../components/ConfirmDeletion'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { CheckboxField, inlineInputClass, TextAreaField, TextField } from '../../../components/Field'
import { formatDateTime, formatPhone } from '../../../components/format'
import { useServerForm } from '../../../components/forms/useServerForm'
import { Modal } from '../../../components/Modal'
import { useToast } from '../../../components/Toast'
import { ConsentBadges, nameOf } from './ContactTable'
import { colorsOf, TagChip } from './TagChip'

interface AttributeRow {
  id: number
  key: string
  value: string
}

interface ContactForm {
  name: string
  notes: string
  optedIn: boolean
  optedOut: boolean
  tags: string[]
  attributes: AttributeRow[]
}

let rowIds = 0
const row = (key = '', value = ''): AttributeRow => {
  rowIds += 1
  return { id: rowIds, key, value }
}

const formOf = (c: Contact): ContactForm => ({
  name: c.name ?? '',
  notes: c.notes ?? '',
  optedIn: c.optedIn,
  optedOut: c.optedOut,
  tags: c.tags,
  attributes: Object.entries(c.attributes).map(([k, v]) => row(k, v)),
})

/** Where the contact's conversation is read and answered (the Analytics tab opens it by id). */
export const conversationLink = (orgId: string, conversationId: string) =>
  `/Dashboard/organizations/${orgId}?tab=analytics&conversation=${encodeURIComponent(conversationId)}`

function ConversationLink({ org, contact }: { org: Organization; contact: Contact }) {
  if (!contact.conversationId)
    return <p className="text-sm text-slate-600">No conversation yet: this customer has not written.</p>
  return (
    <Link
      to={conversationLink(org.id, contact.conversationId)}
      className={`inline-block text-sm font-medium text-emerald-700 underline ${focusRing}`}
      data-testid="open-conversation"
    >
      Open the conversation
    </Link>
  )
}

function Facts({ contact }: { contact: Contact }) {
  return (
    <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
      <dt className="text-slate-600">Phone</dt>
      <dd className="font-mono">{formatPhone(contact.phone, 'international')}</dd>
      <dt className="text-slate-600">WhatsApp name</dt>
      <dd>{contact.profileName ?? '—'}</dd>
      <dt className="text-slate-600">First seen</dt>
      <dd>{formatDateTime(contact.firstSeenAt)}</dd>
      <dt className="text-slate-600">Last message</dt>
      <dd>{contact.lastSeenAt ? formatDateTime(contact.lastSeenAt) : 'Never wrote'}</dd>
      <dt className="text-slate-600">Consent</dt>
      <dd>
        <ConsentBadges contact={contact} />
      </dd>
    </dl>
  )
}

/** What a viewer sees: the contact as it is, nothing to change. */
function ReadOnlyContact({ org, contact, tags }: { org: Organization; contact: Contact; tags: Tag[] }) {
  const colors = colorsOf(tags)
  const attributes = Object.entries(contact.attributes)
  return (
    <div className="space-y-4">
      <Facts contact={contact} />
      <div className="flex flex-wrap gap-1">
        {contact.tags.length === 0 && <span className="text-sm text-slate-600">No tags</span>}
        {contact.tags.map((t) => (
          <TagChip key={t} name={t} color={colors.get(t)} />
        ))}
      </div>
      {attributes.length > 0 && (
        <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 text-sm">
          {attributes.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-slate-600">{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      )}
      {contact.notes && <p className="whitespace-pre-wrap text-sm">{contact.notes}</p>}
      <ConversationLink org={org} contact={contact} />
    </div>
  )
}

function EditContact({
  org,
  contact,
  tags,
  canDelete,
  onClose,
}: {
  org: Organization
  contact: Contact
  tags: Tag[]
  canDelete: boolean
  onClose: () => void
}) {
  const update = useUpdateContact(org.id)
  const remove = useDeleteContact(org.id)
  const toast = useToast()
  const form = useServerForm<ContactForm>(() => formOf(contact), update)
  const [newTag, setNewTag] = useState('')
  const [confirming, setConfirming] = useState(false)
  const [keyErrors, setKeyErrors] = useState<Set<number>>(new Set())
  const listId = useId()
  const colors = colorsOf(tags)
  const v = form.values

  const addTag = () => {
    const name = newTag.trim()
    if (name && !v.tags.includes(name)) form.set('tags', [...v.tags, name])
    setNewTag('')
  }
  const setRow = (id: number, patch: Partial<AttributeRow>) =>
    form.set(
      'attributes',
      v.attributes.map((r) => (r.id === id ? { ...r, ...patch } : r)),
    )

  const save = (values: ContactForm) => {
    const filled = values.attributes.filter((r) => r.key.trim() || r.value.trim())
    const unnamed = new Set(filled.filter((r) => !r.key.trim()).map((r) => r.id))
    setKeyErrors(unnamed)
    if (unnamed.size > 0) return
    const attributes = Object.fromEntries(filled.map((r) => [r.key.trim(), r.value]))
    update.mutate(
      {
        id: contact.id,
        name: values.name.trim() || null,
        notes: values.notes.trim() || null,
        tags: values.tags,
        attributes,
        optedIn: values.optedIn,
        // Sent only when changed: clearing a STOP the customer sent is refused by the server.
        ...(values.optedOut !== contact.optedOut ? { optedOut: values.optedOut } : {}),
      },
      {
        onSuccess: ({ contact: saved }) => {
          form.markSaved()
          toast(`${nameOf(saved)} saved.`)
          onClose()
        },
      },
    )
  }

  return (
    <form noValidate className="space-y-4" onSubmit={form.submit(save)} data-testid="contact-form">
      <Facts contact={contact} />
      <TextField id="contact-name" label="Name" {...form.bind('name')} hint="Your name for this customer." />

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Tags</legend>
        <div className="flex flex-wrap gap-1" data-testid="contact-tags">
          {v.tags.length === 0 && <span className="text-sm text-slate-600">No tags</span>}
          {v.tags.map((t) => (
            <TagChip
              key={t}
              name={t}
              color={colors.get(t)}
              onRemove={() =>
                form.set(
                  'tags',
                  v.tags.filter((x) => x !== t),
                )
              }
            />
          ))}
        </div>
        <div className="flex gap-2">
          <label htmlFor="contact-new-tag" className="sr-only">
            Add a tag
          </label>
          <input
            id="contact-new-tag"
            list={listId}
            className={`${inlineInputClass} min-w-0 flex-1`}
            placeholder="Add a tag"
            value={newTag}
            onChange={(e) => setNewTag(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault()
                addTag()
              }
            }}
          />
          <datalist id={listId}>
            {tags
              .filter((t) => !v.tags.includes(t.name))
              .map((t) => (
                <option key={t.id} value={t.name} />
              ))}
          </datalist>
          <Button variant="secondary" onClick={addTag} disabled={!newTag.trim()}>
            Add
          </Button>
        </div>
        {form.error('tags') && (
          <p role="alert" className="text-xs text-red-600">
            {form.error('tags')}
          </p>
        )}
      </fieldset>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Attributes</legend>
        <p className="text-xs text-slate-600">
          Facts you keep about the customer (city, plan…); broadcasts can put them in templates. Names are
          lowercase letters, digits and _.
        </p>
        {v.attributes.map((r, i) => (
          <div key={r.id} className="space-y-1" data-testid="attribute-row">
            <div className="flex gap-2">
              <label htmlFor={`attr-key-${r.id}`} className="sr-only">
                Attribute {i + 1} name
              </label>
              <input
                id={`attr-key-${r.id}`}
                className={`${inlineInputClass} w-2/5 min-w-0`}
                placeholder="Name"
                value={r.key}
                aria-invalid={keyErrors.has(r.id) || undefined}
                onChange={(e) => setRow(r.id, { key: e.target.value })}
              />
              <label htmlFor={`attr-value-${r.id}`} className="sr-only">
                Attribute {i + 1} value
              </label>
              <input
                id={`attr-value-${r.id}`}
                className={`${inlineInputClass} min-w-0 flex-1`}
                placeholder="Value"
                value={r.value}
                onChange={(e) => setRow(r.id, { value: e.target.value })}
              />
              <Button
                variant="ghost"
                aria-label={`Remove attribute ${r.key || i + 1}`}
                onClick={() =>
                  form.set(
                    'attributes',
                    v.attributes.filter((x) => x.id !== r.id),
                  )
                }
              >
                ×
              </Button>
            </div>
            {keyErrors.has(r.id) && (
              <p role="alert" className="text-xs text-red-600">
                Give this attribute a name.
              </p>
            )}
            {r.key.trim() && form.error(`attributes.${r.key.trim().toLowerCase()}`) && (
              <p role="alert" className="text-xs text-red-600">
                {form.error(`attributes.${r.key.trim().toLowerCase()}`)}
              </p>
            )}
          </div>
        ))}
        <Button variant="secondary" onClick={() => form.set('attributes', [...v.attributes, row()])}>
          Add an attribute
        </Button>
      </fieldset>

      <TextAreaField id="contact-notes" label="Notes" {...form.bind('notes')} />

      <div className="space-y-1">
        <CheckboxField
          id="contact-opted-in"
          label="Opted in"
          description="this customer agreed to receive messages you send first (broadcasts)."
          checked={v.optedIn}
          onChange={(on) => form.set('optedIn', on)}
        />
        <CheckboxField
          id="contact-opted-out"
          label="Opted out"
          description="never send this customer messages you start, whatever their opt-in. Customers opt out themselves by sending STOP; tick it when they asked another way."
          checked={v.optedOut}
          onChange={(on) => form.set('optedOut', on)}
        />
      </div>

      <ConversationLink org={org} contact={contact} />

      {update.isError && !form.hasFieldErrors && <ErrorNotice error={update.error} title="Not saved" />}
      {update.isError && form.hasFieldErrors && (
        <ErrorNotice error={update.error} title="Not saved" showFields />
      )}
      <div className="flex flex-wrap justify-between gap-2 border-t border-slate-200 pt-3">
        {canDelete ? (
          <Button variant="ghost" className="text-red-700" onClick={() => setConfirming(true)}>
            Delete the contact
          </Button>
        ) : (
          <span />
        )}
        <div className="flex gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" busy={update.isPending}>
            Save
          </Button>
        </div>
      </div>
      <ConfirmDeletion
        target={confirming ? contact : null}
        title="Delete this contact?"
        confirmLabel="Delete"
        deletion={remove}
        deleted={`${nameOf(contact)} deleted.`}
        onClose={() => setConfirming(false)}
        onDeleted={onClose}
      >
        <p className="text-sm text-slate-600">
          {nameOf(contact)} is deleted with their conversation and its messages. This cannot be undone.
        </p>
      </ConfirmDeletion>
    </form>
  )
}

/** One contact in a dialog: edit it (agents and above), delete it (owners and admins), go to its conversation. */
export function ContactDetail({
  org,
  contactId,
  tags,
  canWrite,
  canDelete,
  onClose,
}: {
  org: Organization
  contactId: string | null
  tags: Tag[]
  canWrite: boolean
  canDelete: boolean
  onClose: () => void
}) {
  const contact = useContact(org.id, contactId)
  // The form starts from the contact as the server has it now, not from a copy cached earlier
  // (tags added in bulk since); later refreshes do not reset what is being typed.
  const c = contact.isFetchedAfterMount ? contact.data : undefined
  return (
    <Modal open={contactId !== null} title={c ? nameOf(c) : 'Contact'} onClose={onClose}>
      {!c && !contact.isError && <LoadingBlock label="Loading the contact…" />}
      {contact.isError && <ErrorNotice error={contact.error} title="Could not load the contact" />}
      {c &&
        (canWrite ? (
          <EditContact key={c.id} org={org} contact={c} tags={tags} canDelete={canDelete} onClose={onClose} />
        ) : (
          <ReadOnlyContact org={org} contact={c} tags={tags} />
        ))}
    </Modal>
  )
}
