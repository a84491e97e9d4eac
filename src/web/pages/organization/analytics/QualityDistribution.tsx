import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts'
import type { QualityReport } from '../../../api/quality'
import { EmptyState } from '../../../components/Feedback'
import { CHART_COLORS, formatScore } from './figures'

/** How many conversations scored in each band of the 0–100 quality scale. */
export function QualityDistribution({ buckets }: { buckets: QualityReport['distribution'] }) {
  if (buckets.every((b) => b.count === 0)) return <EmptyState title="No scored conversations in this range" />
  const data = buckets.map((b) => ({ band: `${formatScore(b.from)}–${formatScore(b.to)}`, count: b.count }))
  return (
    <BarChart
      responsive
      data={data}
      title="Conversations by quality score"
      style={{ width: '100%', height: 220 }}
      margin={{ top: 5, right: 20, bottom: 5, left: 0 }}
    >
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="band" />
      <YAxis allowDecimals={false} width={40} />
      <Tooltip />
      <Bar dataKey="count" name="Conversations" fill={CHART_COLORS[0]} isAnimationActive={false} />
    </BarChart>
  )
}
