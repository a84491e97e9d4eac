import type { ReactNode } from 'react'

/** A column heading: its text, or something else (a select-all checkbox) with a key and extra classes. */
export type Column = string | { key: string; label: ReactNode; className?: string }

/**
 * A data table's caption (for screen readers) and column headings, styled alike in every table;
 * `cell` spaces the headings as the table spaces its cells.
 */
export function TableHead({
  caption,
  columns,
  cell = 'py-2 pr-3',
}: {
  caption: string
  columns: Column[]
  cell?: string
}) {
  return (
    <>
      <caption className="sr-only">{caption}</caption>
      <thead className="border-b border-slate-200 text-xs uppercase tracking-wide text-slate-600">
        <tr>
          {columns.map((c) =>
            typeof c === 'string' ? (
              <th key={c} scope="col" className={cell}>
                {c}
              </th>
            ) : (
              <th key={c.key} scope="col" className={`${cell} ${c.className ?? ''}`}>
                {c.label}
              </th>
            ),
          )}
        </tr>
      </thead>
    </>
  )
}
