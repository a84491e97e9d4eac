import type { Analytics } from '../../../api/analytics'
import { EmptyState } from '../../../components/Feedback'
import { formatCount } from '../../../components/format'
import { TableHead } from '../../../components/TableHead'
import { formatScore } from './figures'

/** The answers of each A/B test variant in the range, side by side. */
export function VariantSummaryTable({ variants }: { variants: Analytics['perVariant'] }) {
  if (variants.length === 0) return <EmptyState title="No A/B test answers in this range" />
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="variants-table">
        <TableHead
          caption="Results per A/B test variant"
          columns={['Experiment', 'Variant', 'Answers', 'Quality score', 'Hand-offs']}
        />
        <tbody className="divide-y divide-slate-100">
          {variants.map((v) => (
            <tr key={v.variantId}>
              <td className="py-2 pr-3">{v.experimentName ?? '—'}</td>
              <td className="py-2 pr-3 font-medium">{v.variantName ?? '—'}</td>
              <td className="py-2 pr-3">{formatCount(v.answers)}</td>
              <td className="py-2 pr-3">{formatScore(v.meanScore)}</td>
              <td className="py-2 pr-3">{formatCount(v.handOffs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
