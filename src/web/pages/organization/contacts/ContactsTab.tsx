import { useState } from 'react'
import { useTags } from '../../../api/contacts'
import { atLeast, type Organization } from '../../../api/types'
import { ReadOnlyNote } from '../../../components/Feedback'
import { ContactDetail } from './ContactDetail'
import { ContactFilters } from './ContactFilters'
import { ContactTable } from './ContactTable'
import { type Filters, NO_FILTERS } from './filters'
import { ImportCard } from './ImportCard'
import { SegmentsCard } from './SegmentsCard'
import { TagsCard } from './TagsCard'

/**
 * The organization's customers: find them (search, tags, consent, last message), tag many at once,
 * open one to edit it or go to its conversation, keep filters as segments, and import a CSV.
 * Viewers read; agents and above write; owners and admins also delete contacts.
 */
export function ContactsTab({ org }: { org: Organization }) {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS)
  const [openId, setOpenId] = useState<string | null>(null)
  const tags = useTags(org.id)
  const canWrite = atLeast(org.role, 'agent')
  const canDelete = atLeast(org.role, 'admin')
  return (
    <div className="space-y-4">
      {!canWrite && (
        <ReadOnlyNote>
          You can look at the contacts; agents, admins and owners edit, tag and import them.
        </ReadOnlyNote>
      )}
      <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_18rem]">
        <div className="min-w-0 space-y-4">
          <ContactTable
            org={org}
            filters={filters}
            tags={tags.data ?? []}
            canWrite={canWrite}
            onOpen={setOpenId}
            filterForm={<ContactFilters filters={filters} onChange={setFilters} tags={tags.data ?? []} />}
          />
        </div>
        <div className="min-w-0 space-y-4">
          <SegmentsCard org={org} filters={filters} onApply={setFilters} canWrite={canWrite} />
          <TagsCard org={org} tags={tags} canWrite={canWrite} />
        </div>
      </div>
      {canWrite && <ImportCard org={org} />}
      <ContactDetail
        org={org}
        contactId={openId}
        tags={tags.data ?? []}
        canWrite={canWrite}
        canDelete={canDelete}
        onClose={() => setOpenId(null)}
      />
    </div>
  )
}
