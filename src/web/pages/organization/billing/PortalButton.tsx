import { useStripeRedirect } from '../../../api/billing'
import { errorMessage } from '../../../api/client'
import { Button } from '../../../components/Button'

/** Opens Stripe's Billing Portal (payment method, invoices, cancellation); owners only. */
export function PortalButton({
  orgId,
  label = 'Manage billing',
  variant = 'secondary',
}: {
  orgId: string
  label?: string
  variant?: 'primary' | 'secondary'
}) {
  const portal = useStripeRedirect(orgId)
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <Button
        variant={variant}
        busy={portal.isPending || portal.isSuccess}
        onClick={() => portal.mutate({ kind: 'portal' })}
      >
        {label}
      </Button>
      {portal.isError && (
        <span role="alert" className="text-xs text-red-700">
          {errorMessage(portal.error)}
        </span>
      )}
    </span>
  )
}
