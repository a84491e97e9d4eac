import type { InboxCounts, InboxFilter } from '../../../api/inbox'
import { focusRing } from '../../../components/Button'
import { inputClass } from '../../../components/Field'
import { FILTERS } from './inboxWords'

/** The filter chips (one pressed at a time) and the search box above the conversation list. */
export function InboxFilters({
  filter,
  onFilter,
  search,
  onSearch,
  counts,
}: {
  filter: InboxFilter
  onFilter: (next: InboxFilter) => void
  search: string
  onSearch: (next: string) => void
  /** How many conversations each filter holds now, once the list has loaded. */
  counts: InboxCounts | undefined
}) {
  return (
    <div className="space-y-2">
      <fieldset className="flex flex-wrap gap-1">
        <legend className="sr-only">Show conversations</legend>
        {FILTERS.map((f) => (
          <button
            key={f.id}
            type="button"
            aria-pressed={filter === f.id}
            data-testid="inbox-filter"
            data-filter={f.id}
            onClick={() => onFilter(f.id)}
            className={`rounded-full border px-3 py-1 text-xs font-medium ${focusRing} ${
              filter === f.id
                ? 'border-emerald-700 bg-emerald-700 text-white'
                : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50'
            }`}
          >
            {f.label}
            {counts && <span data-testid="filter-count"> · {counts[f.id]}</span>}
          </button>
        ))}
      </fieldset>
      <label htmlFor="inbox-search" className="sr-only">
        Search conversations
      </label>
      <input
        id="inbox-search"
        type="search"
        className={inputClass}
        placeholder="Search by name or number"
        value={search}
        onChange={(e) => onSearch(e.target.value)}
      />
    </div>
  )
}
