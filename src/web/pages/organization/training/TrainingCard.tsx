import { useTrain } from '../../../api/knowledge'
import { atLeast, type Knowledge, type Organization } from '../../../api/types'
import { TrainingBadge } from '../../../components/Badges'
import { Button } from '../../../components/Button'
import { Card, ErrorNotice } from '../../../components/Feedback'
import { formatDateTime } from '../../../components/format'
import { ProgressBar } from '../../../components/ProgressBar'

/** Step 2: train on what was added above; says what training will leave out and when to train again. */
export function TrainingCard({ org, knowledge }: { org: Organization; knowledge: Knowledge }) {
  const train = useTrain(org.id)
  const canEdit = atLeast(org.role, 'admin')
  const t = knowledge.training
  const training = t.status === 'training' || train.isPending
  const reading = knowledge.sources.filter((s) => s.status === 'processing').length
  const unreadable = knowledge.sources.filter((s) => s.status === 'failed').length
  return (
    <Card
      title="2. Train the assistant"
      actions={
        canEdit && (
          <Button onClick={() => train.mutate()} busy={training} disabled={knowledge.sources.length === 0}>
            {training ? 'Training…' : 'Train'}
          </Button>
        )
      }
    >
      <div className="space-y-3 text-sm" aria-live="polite">
        <div className="flex flex-wrap items-center gap-3">
          <span data-testid="training-status">
            <TrainingBadge status={t.status} progress={t.progress} />
          </span>
          <span className="text-slate-600" data-testid="trained-at">
            Last trained: {formatDateTime(t.trainedAt)}
          </span>
        </div>
        {t.status === 'trained' && t.changedSinceTraining && (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900" data-testid="retrain-notice">
            Your knowledge changed since the last training. Train again so customers get the new answers.
          </p>
        )}
        {t.status === 'training' && (
          <ProgressBar id="training-progress" label="Training progress" value={t.progress} />
        )}
        {t.status === 'failed' && t.error && (
          <ErrorNotice error={new Error(t.error)} title="Training failed" />
        )}
        {reading > 0 && (
          <p className="text-slate-600" data-testid="files-reading-notice">
            {reading === 1 ? 'One file is' : `${reading} files are`} still being read. Training uses a file
            once it is ready.
          </p>
        )}
        {unreadable > 0 && (
          <p className="text-slate-600">
            {unreadable === 1 ? 'One file' : `${unreadable} files`} could not be read and{' '}
            {unreadable === 1 ? 'is' : 'are'} left out of training (see Files above).
          </p>
        )}
        {knowledge.sources.length === 0 && (
          <p className="text-slate-600">
            Add a profile, FAQs, texts or files above, then train the assistant.
          </p>
        )}
        {train.isError && <ErrorNotice error={train.error} title="Training did not start" />}
      </div>
    </Card>
  )
}
