import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import type { Analytics } from '../../../api/analytics'
import { EmptyState } from '../../../components/Feedback'
import { CHART_COLORS } from './figures'
import { formatDay } from './range'

const SERIES = [
  { key: 'customerMessages', name: 'Customer messages', color: CHART_COLORS[0] },
  { key: 'aiAnswers', name: 'AI answers', color: CHART_COLORS[1] },
  { key: 'agentMessages', name: 'Agent messages', color: CHART_COLORS[2] },
  { key: 'handOffs', name: 'Hand-offs', color: CHART_COLORS[4] },
] as const satisfies readonly {
  key: keyof Analytics['daily'][number]
  name: string
  color: string | undefined
}[]

/** Customer messages, AI answers, agent messages and hand-offs, day by day in the organization's zone. */
export function DailyTrendChart({ daily }: { daily: Analytics['daily'] }) {
  if (daily.length === 0) return <EmptyState title="Nothing in this range" />
  return (
    <LineChart
      responsive
      data={daily}
      title="Daily trend"
      style={{ width: '100%', height: 260 }}
      margin={{ top: 5, right: 20, bottom: 5, left: 0 }}
    >
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="date" tickFormatter={(d: string) => formatDay(d, 'short')} minTickGap={16} />
      <YAxis allowDecimals={false} width={48} />
      <Tooltip labelFormatter={(d) => formatDay(String(d))} />
      <Legend />
      {SERIES.map((s) => (
        <Line
          key={s.key}
          dataKey={s.key}
          name={s.name}
          stroke={s.color}
          dot={false}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  )
}
