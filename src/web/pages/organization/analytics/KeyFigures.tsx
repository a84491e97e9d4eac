import type { Analytics } from '../../../api/analytics'
import { formatCount, formatDuration } from '../../../components/format'
import { formatRate, formatScore } from './figures'
import { Stat } from './Stat'

/** The range in a few figures: answered without a person, handed off, reply times, answer quality. */
export function KeyFigures({ analytics: a }: { analytics: Analytics }) {
  return (
    <div className="space-y-2">
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-5">
        <Stat
          label="Resolved by the assistant"
          value={formatRate(a.resolutionRate)}
          testId="kpi-resolution"
        />
        <Stat label="Handed to a person" value={formatRate(a.handOffRate)} testId="kpi-handoff" />
        <Stat label="AI median reply" value={formatDuration(a.responseTime.ai.p50)} testId="kpi-ai-p50" />
        <Stat
          label="Agent median reply"
          value={formatDuration(a.responseTime.agent.p50)}
          testId="kpi-agent-p50"
        />
        <Stat label="Answer quality (0–100)" value={formatScore(a.quality.meanScore)} testId="kpi-quality" />
      </dl>
      <p className="text-xs text-slate-600" data-testid="kpi-conversations">
        {formatCount(a.conversations.total)} conversations: {formatCount(a.conversations.resolvedByAi)}{' '}
        answered by the assistant alone, {formatCount(a.conversations.handedOff)} handed to a person.
        {a.quality.scored > 0 ? ` ${formatCount(a.quality.scored)} answers scored.` : ''}
      </p>
    </div>
  )
}
