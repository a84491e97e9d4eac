import { useEffect, useRef, useState } from 'react'

/** The element's width in CSS pixels, following resizes (the chart is drawn at its real size). */
function useWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null)
  const [width, setWidth] = useState(fallback)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(200, Math.round(entry.contentRect.width)))
    })
    observer.observe(el)
    return () => observer.disconnect()
  }, [])
  return { ref, width }
}

/** "2026-11-03" → "Nov 3" (the day as the server counted it, in the organization's time zone). */
const dayLabel = (date: string) => {
  const d = new Date(`${date}T00:00:00Z`)
  return Number.isNaN(d.getTime())
    ? date
    : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' })
}

/** Messages per day as an inline SVG bar chart (inbound and outbound side by side). */
export function MessagesChart({ data }: { data: { date: string; inbound: number; outbound: number }[] }) {
  // Drawn at the width it is shown at, so the 11 px labels stay 11 px on a phone instead of
  // shrinking with a scaled viewBox; fewer labels fit a narrow chart.
  const { ref, width } = useWidth<HTMLDivElement>(640)
  const height = 200
  const fontSize = 11
  const pad = { top: 10, right: 8, bottom: 24, left: 32 }
  const max = Math.max(1, ...data.map((d) => Math.max(d.inbound, d.outbound)))
  const innerW = width - pad.left - pad.right
  const innerH = height - pad.top - pad.bottom
  const slot = data.length ? innerW / data.length : innerW
  const bar = Math.max(1, Math.min(14, slot / 2 - 1))
  const y = (v: number) => pad.top + innerH - (v / max) * innerH
  const total = data.reduce((n, d) => n + d.inbound + d.outbound, 0)
  const labelWidth = 52
  const labelEvery = Math.max(1, Math.ceil(data.length / Math.max(1, Math.floor(innerW / labelWidth))))
  return (
    <figure className="space-y-2">
      <div ref={ref} className="w-full">
        <svg
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          className="block max-w-full"
          role="img"
          aria-label={`Messages per day: ${total.toLocaleString()} in ${data.length} days`}
          data-testid="messages-chart"
        >
          <line x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} stroke="#cbd5e1" />
          <text x={pad.left - 4} y={y(max) + 4} textAnchor="end" fontSize={fontSize} fill="#475569">
            {max.toLocaleString()}
          </text>
          <text x={pad.left - 4} y={y(0)} textAnchor="end" fontSize={fontSize} fill="#475569">
            0
          </text>
          {data.map((d, i) => {
            const x = pad.left + i * slot + slot / 2
            return (
              <g key={d.date}>
                <rect
                  x={x - bar - 0.5}
                  y={y(d.inbound)}
                  width={bar}
                  height={y(0) - y(d.inbound)}
                  fill="#10b981"
                >
                  <title>{`${d.date}: ${d.inbound} received`}</title>
                </rect>
                <rect x={x + 0.5} y={y(d.outbound)} width={bar} height={y(0) - y(d.outbound)} fill="#0ea5e9">
                  <title>{`${d.date}: ${d.outbound} sent`}</title>
                </rect>
                {i % labelEvery === 0 && (
                  <text
                    x={x}
                    y={height - 6}
                    textAnchor="middle"
                    fontSize={fontSize}
                    fill="#475569"
                    data-axis="x"
                  >
                    {dayLabel(d.date)}
                  </text>
                )}
              </g>
            )
          })}
        </svg>
      </div>
      <figcaption className="flex gap-4 text-xs text-slate-600">
        <span className="flex items-center gap-1">
          <span className="inline-block h-2 w-3 bg-emerald-500" aria-hidden /> Received
        </span>
        <span className="flex items-center gap-1">
          <span className="inline-block h-2 w-3 bg-sky-500" aria-hidden /> Sent
        </span>
      </figcaption>
    </figure>
  )
}
