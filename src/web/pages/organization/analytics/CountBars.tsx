import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts'
import { EmptyState } from '../../../components/Feedback'
import { CHART_COLORS } from './figures'

/**
 * Counts per label as horizontal bars, longest first: the labels (topics, reasons, sources) are
 * words, and words read better along a bar than under a rotated axis.
 */
export function CountBars({
  rows,
  title,
  valueName = 'Count',
  color = CHART_COLORS[0],
}: {
  rows: { label: string; count: number }[]
  title: string
  valueName?: string
  color?: string
}) {
  if (rows.length === 0) return <EmptyState title="Nothing in this range" />
  const data = [...rows].sort((a, b) => b.count - a.count)
  return (
    <BarChart
      responsive
      layout="vertical"
      data={data}
      title={title}
      style={{ width: '100%', height: Math.max(120, data.length * 32 + 40) }}
      margin={{ top: 5, right: 20, bottom: 5, left: 10 }}
    >
      <CartesianGrid strokeDasharray="3 3" horizontal={false} />
      <XAxis type="number" allowDecimals={false} />
      <YAxis type="category" dataKey="label" width={160} />
      <Tooltip />
      <Bar dataKey="count" name={valueName} fill={color} isAnimationActive={false} />
    </BarChart>
  )
}
