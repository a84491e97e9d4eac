import { useEffect, useRef, useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import { type BillingState, isLive, useSyncBilling } from '../../../api/billing'
import { errorMessage } from '../../../api/client'
import { SUBSCRIPTION_STATUS_LABELS } from './planWords'

/** The query parameters Stripe's success, cancel and return URLs add to ?tab=billing. */
const RETURN_PARAMS = ['checkout', 'portal'] as const

type Notice = { tone: 'ok' | 'info' | 'error'; text: string }

function noticeOf(from: string, state: BillingState): Notice {
  if (from === 'checkout=canceled') return { tone: 'info', text: 'Checkout canceled, nothing changed.' }
  const s = state.billing.subscription
  const plan = state.plans[s?.planType ?? state.planType].label
  if (from === 'checkout=success') {
    if (s?.status === 'active') return { tone: 'ok', text: `Subscription active: ${plan} plan.` }
    if (s?.status === 'trialing') return { tone: 'ok', text: `Trial started: ${plan} plan.` }
    return { tone: 'info', text: 'Checkout done: your plan changes as soon as Stripe confirms the payment.' }
  }
  return isLive(s)
    ? {
        tone: 'ok',
        text: `Billing updated: ${plan} plan, ${SUBSCRIPTION_STATUS_LABELS[s.status].toLowerCase()}.`,
      }
    : { tone: 'info', text: `Billing updated: no active subscription, ${plan} limits apply.` }
}

const TONES = {
  ok: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  info: 'border-sky-200 bg-sky-50 text-sky-900',
  error: 'border-red-200 bg-red-50 text-red-800',
}

/**
 * Back from Stripe Checkout or the Billing Portal: pulls the subscription from Stripe once (the
 * webhook may not have arrived yet), says what happened, and takes the parameters out of the URL
 * so a reload does not say it again.
 */
export function BillingReturnNotice({ orgId, canSync }: { orgId: string; canSync: boolean }) {
  const [params, setParams] = useSearchParams()
  const sync = useSyncBilling(orgId)
  const [notice, setNotice] = useState<Notice | null>(null)
  const from = RETURN_PARAMS.map((k) => (params.has(k) ? `${k}=${params.get(k)}` : null)).find(Boolean)
  const handled = useRef(false)

  useEffect(() => {
    if (!from || handled.current) return
    handled.current = true
    const next = new URLSearchParams(params)
    for (const k of [...RETURN_PARAMS, 'session_id']) next.delete(k)
    setParams(next, { replace: true })
    if (!canSync) return
    sync.mutate(undefined, {
      onSuccess: (state) => setNotice(noticeOf(from, state)),
      onError: (e) =>
        setNotice({ tone: 'error', text: `Could not check the subscription: ${errorMessage(e)}` }),
    })
  }, [from, params, setParams, canSync, sync])

  if (!notice) return null
  return (
    <p
      role={notice.tone === 'error' ? 'alert' : 'status'}
      className={`rounded-md border px-3 py-2 text-sm font-medium ${TONES[notice.tone]}`}
      data-testid="billing-return-notice"
    >
      {notice.text}
    </p>
  )
}
