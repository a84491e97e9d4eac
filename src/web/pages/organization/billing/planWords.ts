import type { SubscriptionStatus } from '../../../../shared/enums'
import type { KnowledgeAllowance } from '../../../../shared/plans'
import { formatCount } from '../../../components/format'

/** A file size as people read it: 2 MB, 512 KB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${formatCount(Math.round((bytes / 1024 / 1024) * 10) / 10)} MB`
  if (bytes >= 1024) return `${formatCount(Math.round(bytes / 1024))} KB`
  return `${formatCount(bytes)} B`
}

export const TRAINING_LABELS: Record<KnowledgeAllowance['training'], string> = {
  basic: 'Basic AI training',
  advanced: 'Advanced AI training',
  custom: 'Custom AI training',
}

/** "200,000 characters of knowledge in up to 25 sources, files up to 2 MB". */
export function allowanceInWords(k: KnowledgeAllowance): string {
  return `${formatCount(k.maxTotalChars)} characters of knowledge in up to ${formatCount(k.maxSources)} sources, files up to ${formatBytes(k.maxFileBytes)}`
}

export const formatPrice = (usd: number) => `$${formatCount(usd)}`

/** A subscription's status as an owner reads it (Stripe.Subscription.Status). */
export const SUBSCRIPTION_STATUS_LABELS: Record<SubscriptionStatus, string> = {
  active: 'Active',
  trialing: 'Trial',
  past_due: 'Payment failed — retrying',
  unpaid: 'Unpaid — payment failed',
  incomplete: 'Waiting for the first payment',
  incomplete_expired: 'First payment never completed',
  canceled: 'Canceled',
  paused: 'Paused',
}

/** An amount in the currency's smallest unit (Stripe's `amount_due`: cents for USD) as money: "$99.00". */
export function formatMoney(minor: number, currency: string): string {
  const code = currency.toUpperCase()
  try {
    const format = new Intl.NumberFormat(undefined, { style: 'currency', currency: code })
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2
    return format.format(minor / 10 ** digits)
  } catch {
    return `${(minor / 100).toFixed(2)} ${code}`
  }
}
