/** A share (0..1) as a percentage; null (nothing to divide) as a dash. */
export const formatRate = (rate: number | null | undefined, digits = 0) =>
  rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(digits)}%`

/** A quality score (0..1) on the 0–100 scale people read. */
export const formatScore = (score: number | null | undefined) =>
  score === null || score === undefined ? '—' : String(Math.round(score * 100))

/** Why a conversation was handed to a person, in words. */
const REASONS: Record<string, string> = {
  customer_asked: 'Customer asked for a person',
  assistant_unable: 'Assistant could not help',
  customer_waiting: 'Customer wrote while with an agent',
  limit_reached: 'Monthly limit reached',
  send_failed: 'A reply could not be sent',
  agent_took_over: 'An agent took over',
}
export const handOffReasonLabel = (reason: string) => REASONS[reason] ?? reason.replace(/_/g, ' ')

/** Colours that keep 3:1 against white (WCAG non-text contrast) and apart from each other. */
export const CHART_COLORS = [
  '#047857',
  '#1d4ed8',
  '#b45309',
  '#7e22ce',
  '#be123c',
  '#0f766e',
  '#4b5563',
  '#a16207',
]
