import { useState } from 'react'
import type { OverageMode } from '../../../../shared/enums'
import { type Overage, useChangeOverage } from '../../../api/billing'
import { Button } from '../../../components/Button'
import { Card, ErrorNotice } from '../../../components/Feedback'
import { RadioGroup, TextField } from '../../../components/Field'
import { formatCount } from '../../../components/format'
import { useToast } from '../../../components/Toast'

const CAP_MAX = 1_000_000

/** Owners: refuse messages beyond the monthly limit (replies pause) or bill them, up to a monthly cap. */
export function OverageCard({ orgId, overage, limit }: { orgId: string; overage: Overage; limit: number }) {
  const change = useChangeOverage(orgId)
  const toast = useToast()
  const [mode, setMode] = useState<OverageMode>(overage.mode)
  const [cap, setCap] = useState(String(overage.cap))
  const capValue = Number(cap)
  const capError =
    mode === 'bill' && (!/^\d+$/.test(cap.trim()) || capValue > CAP_MAX)
      ? `Enter a whole number from 0 to ${formatCount(CAP_MAX)}`
      : undefined
  const unchanged = mode === overage.mode && (mode === 'refuse' || capValue === overage.cap)
  return (
    <Card title="Messages beyond the limit">
      <form
        className="space-y-3"
        data-testid="billing-overage"
        data-mode={overage.mode}
        onSubmit={(e) => {
          e.preventDefault()
          if (capError) return
          change.mutate(
            { mode, cap: mode === 'bill' ? capValue : overage.cap },
            { onSuccess: () => toast('Overage setting saved.') },
          )
        }}
      >
        {!overage.available && (
          <p className="text-sm text-slate-600" data-testid="billing-overage-unavailable">
            Billing for extra messages needs an active subscription that includes usage-based billing. Until
            then, replies pause when the {formatCount(limit)} messages of the month are used.
          </p>
        )}
        <fieldset disabled={!overage.available || change.isPending} className="space-y-3">
          <RadioGroup<OverageMode>
            name="overage-mode"
            legend="When the month's messages are used"
            value={mode}
            onChange={setMode}
            options={[
              { id: 'refuse', label: 'Pause replies until next month' },
              { id: 'bill', label: 'Keep answering and bill the extra messages' },
            ]}
          />
          {mode === 'bill' && (
            <TextField
              id="overage-cap"
              label="Most extra messages a month"
              type="number"
              min={0}
              max={CAP_MAX}
              inputMode="numeric"
              value={cap}
              onChange={(e) => setCap(e.target.value)}
              error={capError}
              hint={`Each message beyond ${formatCount(limit)} is billed, up to this many; after that replies pause.`}
            />
          )}
          <ErrorNotice error={change.error} title="The overage setting was not saved" />
          <Button type="submit" variant="secondary" busy={change.isPending} disabled={unchanged}>
            Save
          </Button>
        </fieldset>
      </form>
    </Card>
  )
}
