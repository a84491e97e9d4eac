import { type ReactNode, useEffect, useId, useMemo, useState } from 'react'
import { Link } from 'react-router-dom'
import { useBulkTags, useContacts } from '../../../api/contacts'
import { atLeast, type Contact, type Organization, type Tag } from '../../../api/types'
import { Badge } from '../../../components/Badges'
import { Button, buttonClass, focusRing } from '../../../components/Button'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { inlineInputClass } from '../../../components/Field'
import { formatCount, formatDateTime, formatPhone } from '../../../components/format'
import { TableHead } from '../../../components/TableHead'
import { useToast } from '../../../components/Toast'
import { type Filters, hasFilters, toQuery } from './filters'
import { colorsOf, TagChip } from './TagChip'

/** The contact's name, or its number written the readable way when it has no name. */
export const nameOf = (c: Contact) =>
  c.displayName === c.phone ? formatPhone(c.phone, 'international') : c.displayName

/** Opted out beats everything (never messaged); otherwise consent or its absence. */
export function ConsentBadges({ contact }: { contact: Contact }) {
  return (
    <span className="flex flex-wrap gap-1 whitespace-nowrap" data-testid="consent">
      {contact.optedOut && (
        <Badge color="red" title={`Opted out ${formatDateTime(contact.optedOutAt)}`}>
          Opted out
        </Badge>
      )}
      {contact.optedIn ? (
        <Badge color="green" title={`Opted in ${formatDateTime(contact.optedInAt)}`}>
          Opted in
        </Badge>
      ) : (
        !contact.optedOut && <Badge color="gray">No opt-in</Badge>
      )}
    </span>
  )
}

/**
 * The composer takes a selection as ids in its address (`?contacts=`); past this many the address
 * grows too long for some browsers and proxies, and a tag or a segment names the audience instead.
 */
export const MAX_CONTACTS_IN_ADDRESS = 200

/** Opens the Broadcasts tab's composer with the selected contacts as the audience. */
function SendToSelected({ selected }: { selected: string[] }) {
  if (selected.length > MAX_CONTACTS_IN_ADDRESS) {
    return (
      <p className="text-sm text-emerald-900" data-testid="broadcast-selection-too-large">
        {`A broadcast takes at most ${formatCount(MAX_CONTACTS_IN_ADDRESS)} selected contacts. For more, tag them (above) or save the filters as a segment, then choose the tag or the segment in the broadcast.`}
      </p>
    )
  }
  return (
    <Link
      to={`?tab=broadcasts&compose=1&contacts=${selected.join(',')}`}
      className={buttonClass('secondary')}
      data-testid="broadcast-selected"
    >
      Send a broadcast to {formatCount(selected.length)} selected
    </Link>
  )
}

/** Tags many selected contacts at once (or takes a tag off them), or sends them a broadcast. */
function BulkTagBar({
  org,
  selected,
  tags,
  canSend,
  onDone,
}: {
  org: Organization
  selected: string[]
  tags: Tag[]
  canSend: boolean
  onDone: () => void
}) {
  const bulk = useBulkTags(org.id)
  const toast = useToast()
  const [tag, setTag] = useState('')
  const listId = useId()
  const name = tag.trim()
  const run = (mode: 'add' | 'remove') =>
    bulk.mutate(
      { contactIds: selected, ...(mode === 'add' ? { add: [name] } : { remove: [name] }) },
      {
        onSuccess: ({ updated }) => {
          toast(
            mode === 'add'
              ? `Tag “${name}” added to ${formatCount(updated)} contacts.`
              : `Tag “${name}” removed from ${formatCount(updated)} contacts.`,
          )
          setTag('')
          onDone()
        },
      },
    )
  return (
    <div
      className="mb-3 space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3"
      data-testid="bulk-bar"
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="text-sm font-medium text-emerald-900" data-testid="selected-count">
          {formatCount(selected.length)} selected
        </span>
        <label htmlFor="bulk-tag" className="sr-only">
          Tag for the selected contacts
        </label>
        <input
          id="bulk-tag"
          list={listId}
          className={`${inlineInputClass} w-44`}
          placeholder="Tag name"
          value={tag}
          onChange={(e) => setTag(e.target.value)}
        />
        <datalist id={listId}>
          {tags.map((t) => (
            <option key={t.id} value={t.name} />
          ))}
        </datalist>
        <Button
          variant="secondary"
          disabled={!name}
          busy={bulk.isPending && bulk.variables?.add !== undefined}
          onClick={() => run('add')}
        >
          Add tag
        </Button>
        <Button
          variant="secondary"
          disabled={!name}
          busy={bulk.isPending && bulk.variables?.remove !== undefined}
          onClick={() => run('remove')}
        >
          Remove tag
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Clear the selection
        </Button>
      </div>
      {canSend && <SendToSelected selected={selected} />}
      {bulk.isError && <ErrorNotice error={bulk.error} title="Tags not changed" showFields />}
    </div>
  )
}

/** The contacts matching the filters, a page at a time, with their total; a selection to tag or message in bulk. */
export function ContactTable({
  org,
  filters,
  tags,
  canWrite,
  onOpen,
  filterForm,
}: {
  org: Organization
  filters: Filters
  tags: Tag[]
  canWrite: boolean
  onOpen: (id: string) => void
  /** The filters, shown above the table they act on. */
  filterForm: ReactNode
}) {
  const query = useMemo(() => toQuery(filters), [filters])
  const list = useContacts(org.id, query)
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const colors = colorsOf(tags)
  const contacts = list.data?.pages.flatMap((p) => p.contacts) ?? []
  const total = list.data?.pages[0]?.total

  // Another set of filters: a selection of contacts no longer shown would be tagged unseen.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the query changes
  useEffect(() => setSelected(new Set()), [query])

  const allSelected = contacts.length > 0 && contacts.every((c) => selected.has(c.id))
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s)
      if (next.has(id)) next.delete(id)
      else next.add(id)
      return next
    })

  return (
    <Card
      title="Contacts"
      actions={
        total !== undefined && (
          <span className="text-sm text-slate-600" data-testid="contacts-total" aria-live="polite">
            {formatCount(contacts.length)} of {formatCount(total)} {total === 1 ? 'contact' : 'contacts'}
          </span>
        )
      }
    >
      <div className="mb-4">{filterForm}</div>
      {canWrite && selected.size > 0 && (
        <BulkTagBar
          org={org}
          selected={[...selected]}
          tags={tags}
          canSend={atLeast(org.role, 'agent')}
          onDone={() => setSelected(new Set())}
        />
      )}
      {list.isPending && <LoadingBlock label="Loading contacts…" />}
      {list.isError && <ErrorNotice error={list.error} title="Could not load the contacts" />}
      {list.data && contacts.length === 0 && (
        <EmptyState title={hasFilters(filters) ? 'No contact matches these filters' : 'No contacts yet'}>
          {hasFilters(filters)
            ? 'Change or clear the filters.'
            : 'Customers who write to your number appear here; you can also import a CSV.'}
        </EmptyState>
      )}
      {contacts.length > 0 && (
        <div className="-mx-4 overflow-x-auto sm:mx-0">
          <table className="min-w-full text-left text-sm" aria-busy={list.isFetching || undefined}>
            <TableHead
              caption="Contacts"
              cell="px-2 py-2 font-medium"
              columns={[
                ...(canWrite
                  ? [
                      {
                        key: 'select',
                        className: 'w-8',
                        label: (
                          <input
                            type="checkbox"
                            aria-label="Select all the contacts shown"
                            checked={allSelected}
                            onChange={() =>
                              setSelected(allSelected ? new Set() : new Set(contacts.map((c) => c.id)))
                            }
                            className={focusRing}
                          />
                        ),
                      },
                    ]
                  : []),
                { key: 'name', label: 'Name', className: 'min-w-32' },
                'Phone',
                'Tags',
                'Consent',
                'Last message',
              ]}
            />
            <tbody className="divide-y divide-slate-100">
              {contacts.map((c) => (
                <tr
                  key={c.id}
                  data-testid="contact-row"
                  data-phone={c.phone}
                  className={selected.has(c.id) ? 'bg-emerald-50' : 'hover:bg-slate-50'}
                >
                  {canWrite && (
                    <td className="px-2 py-2">
                      <input
                        type="checkbox"
                        aria-label={`Select ${nameOf(c)}`}
                        checked={selected.has(c.id)}
                        onChange={() => toggle(c.id)}
                        className={focusRing}
                      />
                    </td>
                  )}
                  <td className="px-2 py-2">
                    <button
                      type="button"
                      onClick={() => onOpen(c.id)}
                      className={`text-left font-medium text-emerald-800 underline-offset-2 hover:underline ${focusRing}`}
                    >
                      {nameOf(c)}
                    </button>
                  </td>
                  <td className="whitespace-nowrap px-2 py-2 font-mono text-slate-700">
                    {formatPhone(c.phone, 'international')}
                  </td>
                  <td className="px-2 py-2">
                    <span className="flex flex-wrap gap-1">
                      {c.tags.map((t) => (
                        <TagChip key={t} name={t} color={colors.get(t)} />
                      ))}
                    </span>
                  </td>
                  <td className="px-2 py-2">
                    <ConsentBadges contact={c} />
                  </td>
                  <td className="whitespace-nowrap px-2 py-2 text-slate-600">
                    {c.lastSeenAt ? formatDateTime(c.lastSeenAt) : 'Never wrote'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.hasNextPage && (
        <div className="mt-3 flex justify-center">
          <Button variant="secondary" busy={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
            Load more
          </Button>
        </div>
      )}
      {list.isFetchNextPageError && <ErrorNotice error={list.error} title="Could not load more contacts" />}
    </Card>
  )
}
