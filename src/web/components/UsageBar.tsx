import { formatCount } from './format'
import { ProgressBar } from './ProgressBar'

/** Messages used against the monthly limit: amber from 80 %, red at 100 %. */
export function usageLevel(used: number, limit: number): 'ok' | 'warn' | 'full' {
  if (limit <= 0 || used >= limit) return 'full'
  return used / limit >= 0.8 ? 'warn' : 'ok'
}

export function UsageBar({ used, limit, id }: { used: number; limit: number; id: string }) {
  const level = usageLevel(used, limit)
  return (
    <div>
      {/* Only answers to customers count against the limit; Analytics also shows all messages. */}
      <ProgressBar
        id={id}
        label="Answers counted this month"
        value={used}
        max={limit}
        figure={`${formatCount(used)} / ${formatCount(limit)}`}
        valueText={`${formatCount(used)} of ${formatCount(limit)} counted answers used`}
        level={level}
      />
      {level === 'full' && (
        <p className="mt-1 text-xs font-medium text-red-700">Monthly limit reached: replies are paused.</p>
      )}
      {level === 'warn' && <p className="mt-1 text-xs text-amber-700">Close to the monthly limit.</p>}
    </div>
  )
}
