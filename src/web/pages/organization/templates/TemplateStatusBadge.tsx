import type { TemplateStatus } from '../../../api/types'
import { Badge } from '../../../components/Badges'

const colors: Record<TemplateStatus, 'green' | 'blue' | 'amber' | 'red' | 'gray'> = {
  draft: 'gray',
  pending: 'blue',
  approved: 'green',
  rejected: 'red',
  paused: 'amber',
  disabled: 'red',
}

export const templateStatusLabel = (status: TemplateStatus) =>
  ({
    draft: 'Draft',
    pending: 'In review',
    approved: 'Approved',
    rejected: 'Rejected',
    paused: 'Paused by WhatsApp',
    disabled: 'Disabled by WhatsApp',
  })[status]

export function TemplateStatusBadge({ status }: { status: TemplateStatus }) {
  return (
    <span data-testid="template-status" data-status={status}>
      <Badge color={colors[status]}>{templateStatusLabel(status)}</Badge>
    </span>
  )
}
