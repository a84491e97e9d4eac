import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts'
import type { QualityReport } from '../../../api/quality'
import { EmptyState } from '../../../components/Feedback'
import { CHART_COLORS } from './figures'
import { formatDay } from './range'

/** The mean answer score per day (0–100); the server lists only days with answers. */
export function QualityTrend({ trend }: { trend: QualityReport['trend'] }) {
  if (trend.length === 0) return <EmptyState title="No scored answers in this range" />
  const data = trend.map((d) => ({ date: d.date, score: Math.round(d.meanScore * 100), answers: d.answers }))
  return (
    <LineChart
      responsive
      data={data}
      title="Answer quality per day"
      style={{ width: '100%', height: 220 }}
      margin={{ top: 5, right: 20, bottom: 5, left: 0 }}
    >
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="date" tickFormatter={(d: string) => formatDay(d, 'short')} minTickGap={16} />
      <YAxis domain={[0, 100]} width={40} />
      <Tooltip labelFormatter={(d) => formatDay(String(d))} />
      <Line dataKey="score" name="Quality score" stroke={CHART_COLORS[0]} isAnimationActive={false} />
    </LineChart>
  )
}
