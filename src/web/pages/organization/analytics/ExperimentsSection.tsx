import { useState } from 'react'
import { useExperiments } from '../../../api/experiments'
import { atLeast, type Organization } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card, EmptyState, ErrorNotice, LoadingBlock } from '../../../components/Feedback'
import { ExperimentForm } from './ExperimentForm'
import { ExperimentRow } from './ExperimentRow'

/** A/B tests of the assistant: the list, each one's results, and a form to start one (owners and admins). */
export function ExperimentsSection({ org }: { org: Organization }) {
  const experiments = useExperiments(org.id)
  const canManage = atLeast(org.role, 'admin')
  const [creating, setCreating] = useState(false)
  const running = experiments.data?.some((e) => e.status === 'running') ?? false
  return (
    <section aria-labelledby="analytics-experiments" data-testid="experiments">
      <Card
        title={<span id="analytics-experiments">A/B tests</span>}
        actions={
          canManage &&
          !creating && (
            <Button
              onClick={() => setCreating(true)}
              disabled={running}
              title={running ? 'End the running experiment first' : undefined}
            >
              New experiment
            </Button>
          )
        }
      >
        <p className="mb-3 text-sm text-slate-600">
          Compare versions of the assistant on real customers: each contact keeps the variant it first got.
          {running && ' One experiment runs at a time.'}
        </p>
        {creating && (
          <div className="mb-4">
            <ExperimentForm orgId={org.id} onDone={() => setCreating(false)} />
          </div>
        )}
        {experiments.isPending && <LoadingBlock label="Loading experiments…" />}
        {experiments.isError && (
          <ErrorNotice error={experiments.error} title="Could not load the experiments" />
        )}
        {experiments.data?.length === 0 && !creating && <EmptyState title="No experiments yet" />}
        {experiments.data && experiments.data.length > 0 && (
          <ul className="divide-y divide-slate-200" aria-label="Experiments">
            {experiments.data.map((e) => (
              <ExperimentRow key={e.id} orgId={org.id} experiment={e} canManage={canManage} />
            ))}
          </ul>
        )}
      </Card>
    </section>
  )
}
