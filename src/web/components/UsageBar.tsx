import { formatCount } from './format'

/** Messages used against the monthly limit: amber from 80 %, red at 100 %. */
export function usageLevel(used: number, limit: number): 'ok' | 'warn' | 'full' {
  if (limit <= 0 || used >= limit) return 'full'
  return used / limit >= 0.8 ? 'warn' : 'ok'
}

const colors = { ok: 'bg-emerald-500', warn: 'bg-amber-500', full: 'bg-red-600' }

export function UsageBar({ used, limit, id }: { used: number; limit: number; id: string }) {
  const level = usageLevel(used, limit)
  const pct = limit <= 0 ? 100 : Math.min(100, Math.round((used / limit) * 100))
  return (
    <div>
      <div className="flex justify-between text-xs text-slate-600">
        {/* Only answers to customers count against the limit; Analytics also shows all messages. */}
        <span id={`${id}-label`}>Answers counted this month</span>
        <span data-testid={`${id}-figure`}>
          {formatCount(used)} / {formatCount(limit)}
        </span>
      </div>
      <div
        role="progressbar"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${formatCount(used)} of ${formatCount(limit)} counted answers used`}
        data-level={level}
        className="mt-1 h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={`h-full ${colors[level]}`}
          style={{
            width: `${limit <= 0 ? 100 : Math.min(100, (used / limit) * 100)}%`,
            minWidth: used > 0 ? '4px' : 0,
          }}
        />
      </div>
      {level === 'full' && (
        <p className="mt-1 text-xs font-medium text-red-700">Monthly limit reached: replies are paused.</p>
      )}
      {level === 'warn' && <p className="mt-1 text-xs text-amber-700">Close to the monthly limit.</p>}
    </div>
  )
}

export function ProgressBar({ value, label, id }: { value: number; label: string; id: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value)))
  return (
    <div>
      <div className="flex justify-between text-xs text-slate-600">
        <span id={`${id}-label`}>{label}</span>
        <span>{pct}%</span>
      </div>
      <div
        role="progressbar"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="mt-1 h-2 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-emerald-500 transition-all" style={{ width: `${pct}%` }} />
      </div>
    </div>
  )
}
