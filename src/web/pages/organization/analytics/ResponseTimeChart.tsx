import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts'
import type { Analytics } from '../../../api/analytics'
import { formatDuration } from '../../../components/format'
import { CHART_COLORS } from './figures'

/** How long customers waited for a reply: the median, the slow tenth and the slowest hundredth. */
export function ResponseTimeChart({ responseTime }: { responseTime: Analytics['responseTime'] }) {
  const data = (['p50', 'p90', 'p99'] as const).map((p) => ({
    percentile: { p50: 'Median (p50)', p90: 'p90', p99: 'p99' }[p],
    ai: responseTime.ai[p],
    agent: responseTime.agent[p],
  }))
  return (
    <BarChart
      responsive
      data={data}
      title="Reply time percentiles, AI and agents"
      style={{ width: '100%', height: 240 }}
      margin={{ top: 5, right: 20, bottom: 5, left: 10 }}
    >
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      <XAxis dataKey="percentile" />
      <YAxis tickFormatter={(ms: number) => formatDuration(ms)} width={70} />
      <Tooltip formatter={(ms) => formatDuration(typeof ms === 'number' ? ms : null)} />
      <Legend />
      <Bar dataKey="ai" name="AI" fill={CHART_COLORS[0]} isAnimationActive={false} />
      <Bar dataKey="agent" name="Agents" fill={CHART_COLORS[1]} isAnimationActive={false} />
    </BarChart>
  )
}
