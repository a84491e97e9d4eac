import { FEATURE_LABELS, FEATURES, type Feature, type PlanEntitlements } from '../../../../shared/plans'
import type { BillingUsage, Entitlements } from '../../../api/billing'
import { formatCount } from '../../../components/format'
import { formatBytes, TRAINING_LABELS } from './planWords'

/** What a feature's loss does, in the owner's words: nothing is deleted, it comes back on upgrade. */
const LOSS: Record<Feature, string> = {
  businessHours: 'Business hours stop applying: the assistant answers at any hour (your schedule is kept)',
  apiAccess: 'API keys stop working: requests with them are refused (the keys are kept)',
  webhooks: 'Webhooks stop: no events are sent to your endpoints (they are kept)',
  crmIntegrations: 'CRM integrations stop syncing',
}

export interface PlanChangeSummary {
  gains: string[]
  losses: string[]
  /** What the owner should know before switching (over a new limit). */
  warnings: string[]
}

/**
 * What switching from the current entitlements to another plan changes. An operator's overrides
 * (a custom deal) stay with the organization, so the values they set do not change.
 */
export function planChanges(
  current: Entitlements,
  target: PlanEntitlements,
  usage: BillingUsage,
  /** Billing sells numbers beyond the plan's: a downgrade bills the extra ones instead of refusing. */
  extraNumbersSold = false,
): PlanChangeSummary {
  const gains: string[] = []
  const losses: string[] = []
  const warnings: string[] = []
  const o = current.overridden
  const next = {
    messages: o.monthlyMessages ? current.monthlyMessages : target.monthlyMessages,
    numbers: o.numbers ? current.numbers : target.numbers,
    chars: o.maxTotalChars ? current.knowledge.maxTotalChars : target.knowledge.maxTotalChars,
  }

  const compare = (before: number, after: number, more: string, fewer: string, unit = '') => {
    const line = `${formatCount(before)} → ${formatCount(after)}${unit}`
    if (after > before) gains.push(`${more}: ${line}`)
    if (after < before) losses.push(`${fewer}: ${line}`)
  }
  compare(current.monthlyMessages, next.messages, 'More messages', 'Fewer messages', ' a month')
  compare(current.numbers, next.numbers, 'More WhatsApp numbers', 'Fewer WhatsApp numbers')
  if (target.knowledge.training !== current.knowledge.training) {
    const line = `${TRAINING_LABELS[current.knowledge.training]} → ${TRAINING_LABELS[target.knowledge.training]}`
    ;(target.knowledge.maxSources > current.knowledge.maxSources ? gains : losses).push(line)
  }
  compare(current.knowledge.maxTotalChars, next.chars, 'More knowledge', 'Less knowledge', ' characters')
  compare(current.knowledge.maxSources, target.knowledge.maxSources, 'More sources', 'Fewer sources')
  if (target.knowledge.maxFileBytes !== current.knowledge.maxFileBytes) {
    const line = `${formatBytes(current.knowledge.maxFileBytes)} → ${formatBytes(target.knowledge.maxFileBytes)}`
    if (target.knowledge.maxFileBytes > current.knowledge.maxFileBytes) gains.push(`Larger files: ${line}`)
    else losses.push(`Smaller files: ${line}`)
  }

  for (const f of FEATURES) {
    const has = current.features[f]
    const will = o.features.includes(f) ? has : target.features[f]
    if (will && !has) gains.push(FEATURE_LABELS[f])
    if (has && !will) losses.push(LOSS[f])
  }

  if (usage.numbersUsed > next.numbers && extraNumbersSold) {
    const extra = usage.numbersUsed - next.numbers
    warnings.push(
      `You have ${formatCount(usage.numbersUsed)} live numbers and this plan includes ${formatCount(next.numbers)}: the other ${formatCount(extra)} are billed as extra numbers each month.`,
    )
  } else if (usage.numbersUsed > next.numbers) {
    const extra = usage.numbersUsed - next.numbers
    warnings.push(
      `You have ${formatCount(usage.numbersUsed)} live numbers and this plan holds ${formatCount(next.numbers)}: release ${formatCount(extra)} first (Overview).`,
    )
  }
  if (usage.messagesUsed >= next.messages && next.messages < current.monthlyMessages) {
    warnings.push(
      `${formatCount(usage.messagesUsed)} answers were already counted this month: replies pause until next month.`,
    )
  }
  if (usage.knowledgeChars > next.chars || usage.knowledgeSources > target.knowledge.maxSources) {
    warnings.push(
      'Your knowledge is over the new allowance: it stays and keeps answering, but no new sources can be added until it is under.',
    )
  }
  return { gains, losses, warnings }
}
