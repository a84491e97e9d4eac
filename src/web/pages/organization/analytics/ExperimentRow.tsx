import { useState } from 'react'
import type { Experiment } from '../../../api/experiments'
import { Badge } from '../../../components/Badges'
import { focusRing } from '../../../components/Button'
import { formatDateTime } from '../../../components/format'
import { ExperimentResults } from './ExperimentResults'

/** One experiment in the list; its results are asked for once it is opened (a running one opens itself). */
export function ExperimentRow({
  orgId,
  experiment: e,
  canManage,
}: {
  orgId: string
  experiment: Experiment
  canManage: boolean
}) {
  const [open, setOpen] = useState(e.status === 'running')
  return (
    <li className="py-3" data-testid="experiment-row">
      <details open={open} onToggle={(ev) => setOpen(ev.currentTarget.open)}>
        <summary className={`cursor-pointer ${focusRing}`}>
          <span className="font-medium">{e.name}</span>{' '}
          <Badge color={e.status === 'running' ? 'green' : 'gray'}>
            {e.status === 'running' ? 'Running' : 'Ended'}
          </Badge>{' '}
          <span className="text-xs text-slate-600">
            since {formatDateTime(e.startedAt)}
            {e.endedAt ? `, ended ${formatDateTime(e.endedAt)}` : ''}
          </span>
        </summary>
        {open && (
          <div className="mt-3">
            <ExperimentResults orgId={orgId} experimentId={e.id} canManage={canManage} />
          </div>
        )}
      </details>
    </li>
  )
}
