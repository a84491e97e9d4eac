import { useEffect, useState } from 'react'
import type { Tag } from '../../../api/types'
import { Button, focusRing } from '../../../components/Button'
import { SelectField, TextField } from '../../../components/Field'
import { type Filters, hasFilters, NO_FILTERS } from './filters'
import { textOn } from './TagChip'

const SEARCH_DELAY_MS = 300

type YesNo = Filters['optedIn']

/** A filter on a yes/no property: anyone, only those with it, or only those without it. */
function YesNoFilter({
  id,
  label,
  value,
  onChange,
  yes,
  no,
}: {
  id: string
  label: string
  value: YesNo
  onChange: (next: YesNo) => void
  yes: string
  no: string
}) {
  return (
    <SelectField
      id={id}
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value === 'yes' ? 'yes' : e.target.value === 'no' ? 'no' : '')}
    >
      <option value="">Anyone</option>
      <option value="yes">{yes}</option>
      <option value="no">{no}</option>
    </SelectField>
  )
}

/** Search, tags (any or all of them), consent, opt-out and last message; changing one by hand leaves the segment. */
export function ContactFilters({
  filters,
  onChange,
  tags,
}: {
  filters: Filters
  onChange: (next: Filters) => void
  tags: Tag[]
}) {
  const [search, setSearch] = useState(filters.search)
  // A segment applied from outside replaces the text; typing waits a moment before asking the server.
  useEffect(() => setSearch(filters.search), [filters.search])
  useEffect(() => {
    if (search === filters.search) return
    const timer = setTimeout(
      () => onChange({ ...filters, search, attributes: {}, segmentId: null }),
      SEARCH_DELAY_MS,
    )
    return () => clearTimeout(timer)
  }, [search, filters, onChange])

  // The list filters by attributes only through a segment: a change by hand leaves the segment, its
  // attribute conditions with it.
  const change = (patch: Partial<Filters>) =>
    onChange({ ...filters, ...patch, attributes: {}, segmentId: null })
  const toggleTag = (name: string) =>
    change({
      tags: filters.tags.includes(name) ? filters.tags.filter((t) => t !== name) : [...filters.tags, name],
    })
  const attributes = Object.entries(filters.attributes)

  return (
    <form
      aria-label="Filter contacts"
      className="space-y-3 border-b border-slate-200 pb-4"
      onSubmit={(e) => {
        e.preventDefault()
        if (search !== filters.search) onChange({ ...filters, search, attributes: {}, segmentId: null })
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <div className="sm:col-span-2">
          <TextField
            id="contact-search"
            label="Search"
            type="search"
            placeholder="Name or number"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <TextField
          id="filter-last-seen"
          label="Wrote within (days)"
          type="number"
          min={1}
          inputMode="numeric"
          placeholder="Any time"
          value={filters.lastSeenWithinDays}
          onChange={(e) => change({ lastSeenWithinDays: e.target.value })}
        />
        <YesNoFilter
          id="filter-opted-in"
          label="Consent"
          value={filters.optedIn}
          onChange={(optedIn) => change({ optedIn })}
          yes="Opted in"
          no="Not opted in"
        />
        <YesNoFilter
          id="filter-opted-out"
          label="Opt-out"
          value={filters.optedOut}
          onChange={(optedOut) => change({ optedOut })}
          yes="Opted out"
          no="Not opted out"
        />
        {tags.length > 0 && (
          <SelectField
            id="filter-tag-mode"
            label="Tags to match"
            value={filters.tagMode}
            onChange={(e) => change({ tagMode: e.target.value === 'all' ? 'all' : 'any' })}
            hint={filters.tags.length === 0 ? 'Pick tags below' : undefined}
          >
            <option value="any">Any of the tags</option>
            <option value="all">All of the tags</option>
          </SelectField>
        )}
      </div>
      {tags.length > 0 && (
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-700">Tags</legend>
          <div className="flex flex-wrap gap-2">
            {tags.map((t) => {
              const on = filters.tags.includes(t.name)
              return (
                <button
                  key={t.id}
                  type="button"
                  aria-pressed={on}
                  onClick={() => toggleTag(t.name)}
                  data-testid="tag-filter"
                  className={`rounded-full border px-2.5 py-1 text-xs font-medium ${focusRing} ${
                    on ? 'border-transparent' : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
                  }`}
                  style={on ? { backgroundColor: t.color, color: textOn(t.color) } : undefined}
                >
                  {on ? '✓ ' : ''}
                  {t.name}
                </button>
              )
            })}
          </div>
        </fieldset>
      )}
      {attributes.length > 0 && (
        <p className="text-sm text-slate-600" data-testid="attribute-filters">
          Also from the segment (changing a filter leaves it):{' '}
          {attributes.map(([k, v]) => (
            <code key={k} className="mr-2 rounded bg-slate-100 px-1">
              {k} = {v}
            </code>
          ))}
        </p>
      )}
      {hasFilters(filters) && (
        <Button
          variant="ghost"
          onClick={() => {
            setSearch('')
            onChange(NO_FILTERS)
          }}
        >
          Clear the filters
        </Button>
      )}
    </form>
  )
}
