import { useState } from 'react'
import {
  type ExperimentVariant,
  useEndExperiment,
  useExperiment,
  usePromoteVariant,
  variantsWithResults,
} from '../../../api/experiments'
import { Button } from '../../../components/Button'
import { ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { formatCount, formatDuration } from '../../../components/format'
import { TableHead } from '../../../components/TableHead'
import { useToast } from '../../../components/Toast'
import { formatEstimate } from './estimates'
import { formatRate, formatScore } from './figures'
import { PromoteDialog } from './PromoteDialog'

const COLUMNS = [
  'Variant',
  'Weight',
  'Contacts',
  'Answers',
  'Quality score',
  'Hand-off rate',
  'Rating',
  'Reply p50 / p90',
]

/** One experiment's results per variant with their 95% intervals; owners and admins end or promote it. */
export function ExperimentResults({
  orgId,
  experimentId,
  canManage,
}: {
  orgId: string
  experimentId: string
  canManage: boolean
}) {
  const experiment = useExperiment(orgId, experimentId)
  const end = useEndExperiment(orgId, experimentId)
  const promote = usePromoteVariant(orgId, experimentId)
  const toast = useToast()
  const [promoting, setPromoting] = useState<ExperimentVariant | null>(null)
  if (experiment.isPending) return <LoadingBlock label="Loading the results…" />
  if (experiment.isError) return <ErrorNotice error={experiment.error} title="Could not load the results" />
  const e = experiment.data
  const running = e.status === 'running'
  const manage = canManage && running
  return (
    <div className="space-y-3" data-testid="experiment-results">
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <TableHead caption={`Results of ${e.name}`} columns={manage ? [...COLUMNS, 'Action'] : COLUMNS} />
          <tbody className="divide-y divide-slate-100">
            {variantsWithResults(e).map((v) => {
              const r = v.results
              return (
                <tr key={v.id} data-testid="variant-row">
                  <th scope="row" className="py-2 pr-3 font-medium">
                    {v.name}
                    {e.winnerVariantId === v.id && (
                      <span className="ml-2 text-xs text-emerald-700">(promoted)</span>
                    )}
                  </th>
                  <td className="py-2 pr-3">{v.weight}</td>
                  <td className="py-2 pr-3">{formatCount(r.contacts)}</td>
                  <td className="py-2 pr-3">{formatCount(r.answers)}</td>
                  <td className="py-2 pr-3">{formatEstimate(r.qualityScore, formatScore)}</td>
                  <td className="py-2 pr-3">{formatEstimate(r.handOffRate, (n) => formatRate(n))}</td>
                  <td className="py-2 pr-3">{formatEstimate(r.rating, (n) => n.toFixed(1))}</td>
                  <td className="py-2 pr-3">
                    {formatDuration(r.latencyMs.p50)} / {formatDuration(r.latencyMs.p90)}
                  </td>
                  {manage && (
                    <td className="py-2 pr-3">
                      <Button variant="secondary" onClick={() => setPromoting(v)}>
                        Promote {v.name}
                      </Button>
                    </td>
                  )}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      <p className="text-xs text-slate-600">
        ± is the 95% confidence interval: when two variants' intervals overlap, the test cannot tell them
        apart yet.
      </p>
      {manage && (
        <Button
          variant="secondary"
          busy={end.isPending}
          onClick={() => end.mutate(undefined, { onSuccess: () => toast('Experiment ended.') })}
        >
          End without promoting
        </Button>
      )}
      <ErrorNotice error={end.error} title="The experiment was not ended" />
      <PromoteDialog
        variant={promoting}
        busy={promote.isPending}
        onClose={() => setPromoting(null)}
        error={<ErrorNotice error={promote.error} title="Not promoted" />}
        onConfirm={() =>
          promoting &&
          promote.mutate(promoting.id, {
            onSuccess: () => {
              toast(`Variant “${promoting.name}” promoted: its settings now answer every customer.`)
              setPromoting(null)
            },
          })
        }
      />
    </div>
  )
}
