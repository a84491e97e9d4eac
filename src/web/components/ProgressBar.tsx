import { useId } from 'react'

export type ProgressLevel = 'ok' | 'warn' | 'full'

const fill: Record<ProgressLevel, string> = {
  ok: 'bg-emerald-500',
  warn: 'bg-amber-500',
  full: 'bg-red-600',
}

/** How much of `max` a value is, 0–100; nothing to reach (max ≤ 0) counts as reached. */
export const percentOf = (value: number, max: number) =>
  max <= 0 ? 100 : Math.max(0, Math.min(100, (value / max) * 100))

/**
 * A labelled progress bar: role=progressbar with its value as a percentage (0–100) and, when given,
 * a sentence with the real figures for screen readers. The figure shown beside the label is the
 * percentage unless another is given ("12 / 40").
 */
export function ProgressBar({
  label,
  value,
  max = 100,
  figure,
  valueText,
  level = 'ok',
  compact = false,
  id,
}: {
  /** What is measured ("Training progress"); read with the bar. */
  label: string
  value: number
  /** 100 by default: `value` is then a percentage. */
  max?: number
  figure?: string
  valueText?: string
  level?: ProgressLevel
  /** A short thin bar with the figure beside it, the label for screen readers only (in a table cell). */
  compact?: boolean
  /** Prefix of the test ids: `<id>-figure` is the figure. */
  id?: string
}) {
  const labelId = useId()
  const exact = percentOf(value, max)
  const pct = Math.round(exact)
  const shown = figure ?? `${pct}%`
  const figureTestId = id ? `${id}-figure` : undefined
  const bar = (
    <div
      role="progressbar"
      aria-labelledby={compact ? undefined : labelId}
      aria-label={compact ? label : undefined}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      aria-valuetext={valueText}
      data-level={level}
      className={`overflow-hidden rounded-full bg-slate-200 ${compact ? 'h-1.5 w-20 shrink-0' : 'mt-1 h-2 w-full'}`}
    >
      {/* Unrounded, and never invisible once something happened: one step of many still shows. */}
      <div
        className={`h-full transition-all ${fill[level]}`}
        style={{ width: `${exact}%`, minWidth: value > 0 ? '4px' : 0 }}
      />
    </div>
  )
  if (compact) {
    return (
      <div className="flex items-center gap-2">
        {bar}
        <span className="tabular-nums" data-testid={figureTestId}>
          {shown}
        </span>
      </div>
    )
  }
  return (
    <div>
      <div className="flex justify-between text-xs text-slate-600">
        <span id={labelId}>{label}</span>
        <span data-testid={figureTestId}>{shown}</span>
      </div>
      {bar}
    </div>
  )
}
