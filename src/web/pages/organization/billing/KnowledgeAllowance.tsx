import { useBilling, useEntitlements } from '../../../api/billing'
import type { Organization } from '../../../api/types'
import { formatCount } from '../../../components/format'
import { formatBytes, TRAINING_LABELS } from './planWords'

/** The largest file the organization's plan takes ("2 MB"), for the upload's hint. */
export function useMaxFileSize(org: Pick<Organization, 'id' | 'planType'>): string {
  return formatBytes(useEntitlements(org).knowledge.maxFileBytes)
}

/** The plan's knowledge allowance and how much of it is used, beside the upload. */
export function KnowledgeAllowance({ org }: { org: Pick<Organization, 'id' | 'planType'> }) {
  const billing = useBilling(org.id)
  const { knowledge: k, label } = useEntitlements(org)
  const usage = billing.data?.usage
  return (
    <p className="text-xs text-slate-600" data-testid="knowledge-allowance">
      {label} plan, {TRAINING_LABELS[k.training].toLowerCase()}:{' '}
      {usage
        ? `${formatCount(usage.knowledgeChars)} of ${formatCount(k.maxTotalChars)} characters of knowledge, ${formatCount(usage.knowledgeSources)} of ${formatCount(k.maxSources)} sources used`
        : `up to ${formatCount(k.maxTotalChars)} characters of knowledge in ${formatCount(k.maxSources)} sources`}
      ; files up to {formatBytes(k.maxFileBytes)} each.
    </p>
  )
}
