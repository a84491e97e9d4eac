import { EmptyState } from '../../../components/Feedback'

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
const HOURS = Array.from({ length: 24 }, (_, h) => h)
const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`

/** Emerald shades from pale to dark; the darker half takes white figures to keep the contrast. */
const SHADES = [
  'bg-white',
  'bg-emerald-50',
  'bg-emerald-100',
  'bg-emerald-300',
  'bg-emerald-600',
  'bg-emerald-800',
]
const shadeOf = (count: number, max: number) =>
  count === 0 || max === 0
    ? 0
    : Math.min(SHADES.length - 1, 1 + Math.floor((count / max) * (SHADES.length - 2)))

/**
 * Customer messages by weekday and hour, in the organization's time zone: a table (every cell
 * names its day, hour and count for screen readers), shaded like a heat map for the eye.
 */
export function BusiestHours({ heatmap, timeZone }: { heatmap: number[][]; timeZone: string }) {
  const max = Math.max(0, ...heatmap.flat())
  if (max === 0) return <EmptyState title="No customer messages in this range" />
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-separate border-spacing-0.5 text-[10px]" data-testid="heatmap">
        <caption className="sr-only">Customer messages by weekday and hour ({timeZone})</caption>
        <thead>
          <tr>
            <td />
            {HOURS.map((h) => (
              <th key={h} scope="col" className="font-normal text-slate-600" aria-label={hourLabel(h)}>
                {h % 3 === 0 ? h : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day, d) => (
            <tr key={day}>
              <th scope="row" className="pr-2 text-left font-normal text-slate-700">
                {day.slice(0, 3)}
              </th>
              {HOURS.map((h) => {
                const count = heatmap[d]?.[h] ?? 0
                const shade = shadeOf(count, max)
                const label = `${day} ${hourLabel(h)}: ${count} message${count === 1 ? '' : 's'}`
                return (
                  <td
                    key={h}
                    title={label}
                    aria-label={label}
                    data-count={count}
                    className={`h-6 min-w-5 rounded-sm border border-slate-100 text-center ${SHADES[shade]} ${
                      shade >= 4 ? 'text-white' : 'text-slate-800'
                    }`}
                  >
                    {count > 0 ? count : ''}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
