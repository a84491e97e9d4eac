import { formatCount } from '../../../components/format'

export function Stat({ label, value, testId }: { label: string; value: string | number; testId?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold" data-testid={testId}>
        {typeof value === 'number' ? formatCount(value) : value}
      </dd>
    </div>
  )
}
