import type { DeliveryStatus } from '../../../../shared/enums'
import type { ApiKeyStatus, Webhook } from '../../../api/developers'
import { Badge } from '../../../components/Badges'

type Tone = Parameters<typeof Badge>[0]['color']

const KEY_STATUS: Record<ApiKeyStatus, { label: string; color: Tone }> = {
  active: { label: 'Active', color: 'green' },
  revoked: { label: 'Revoked', color: 'gray' },
  expired: { label: 'Expired', color: 'amber' },
}

export function ApiKeyStatusBadge({ status }: { status: ApiKeyStatus }) {
  const s = KEY_STATUS[status] ?? { label: status, color: 'gray' as const }
  return (
    <span data-testid="api-key-status" data-status={status}>
      <Badge color={s.color}>{s.label}</Badge>
    </span>
  )
}

export const DELIVERY_STATUS_LABELS: Record<DeliveryStatus, { label: string; color: Tone }> = {
  pending: { label: 'Pending', color: 'blue' },
  delivered: { label: 'Delivered', color: 'green' },
  failed: { label: 'Failed', color: 'red' },
}

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  const s = DELIVERY_STATUS_LABELS[status] ?? { label: status, color: 'gray' as const }
  return (
    <span data-testid="delivery-status" data-status={status}>
      <Badge color={s.color}>{s.label}</Badge>
    </span>
  )
}

/** Enabled, or disabled with the reason (by hand, or by the platform after days of failures). */
export function WebhookStateBadge({ webhook }: { webhook: Webhook }) {
  return (
    <span data-testid="webhook-state" data-enabled={webhook.enabled}>
      {webhook.enabled ? (
        <Badge color="green">Enabled</Badge>
      ) : (
        <Badge color="gray" title={webhook.disabledReason ?? undefined}>
          Disabled
        </Badge>
      )}
    </span>
  )
}
