import { describe, expect, it } from 'vitest'
import { PLANS } from '../src/shared/plans'
import { type BillingUsage, planDefaults } from '../src/web/api/billing'
import { ApiError } from '../src/web/api/client'
import { planRequiredOf } from '../src/web/components/PlanRequired'
import {
  overridesChangeOf,
  overridesDraftOf,
  overridesSummary,
} from '../src/web/pages/organization/billing/OperatorOverrides'
import { planChanges } from '../src/web/pages/organization/billing/planChanges'
import { formatMoney } from '../src/web/pages/organization/billing/planWords'

// The dashboard's reading of plans: what a switch changes, what an operator's form sends, and
// which errors become an upgrade prompt. Pure functions, no server.

const idle: BillingUsage = {
  messagesUsed: 0,
  messagesLimit: 500,
  numbersUsed: 0,
  numbersLimit: 1,
  knowledgeSources: 0,
  knowledgeChars: 0,
  overageUsed: 0,
}

describe('what a plan switch changes', () => {
  it('lists the gains of an upgrade and no losses', () => {
    const { gains, losses, warnings } = planChanges(planDefaults('starter'), PLANS.enterprise, idle)
    expect(gains).toContain('More messages: 500 → 10,000 a month')
    expect(gains).toContain('More WhatsApp numbers: 1 → 5')
    expect(gains).toContain('API keys and the public API')
    expect(gains).toContain('Business hours')
    expect(losses).toEqual([])
    expect(warnings).toEqual([])
  })

  it('lists the losses of a downgrade and warns about what is over the new limits', () => {
    const usage = { ...idle, numbersUsed: 3, messagesUsed: 900, knowledgeChars: 300_000 }
    const { gains, losses, warnings } = planChanges(planDefaults('enterprise'), PLANS.business, usage)
    expect(gains).toEqual([])
    expect(losses).toContain('Fewer messages: 10,000 → 2,000 a month')
    expect(losses.some((l) => l.startsWith('API keys stop working'))).toBe(true)
    expect(losses.some((l) => l.startsWith('Webhooks stop'))).toBe(true)
    expect(losses.some((l) => l.startsWith('Business hours'))).toBe(false)
    expect(warnings.some((w) => w.includes('release 2 first'))).toBe(true)
    expect(warnings.some((w) => w.includes('over the new allowance'))).toBe(false)
  })

  it('says the numbers over a downgraded plan are billed when billing sells extra numbers', () => {
    const usage = { ...idle, numbersUsed: 3 }
    const { warnings } = planChanges(planDefaults('enterprise'), PLANS.business, usage, true)
    expect(warnings).toContain(
      'You have 3 live numbers and this plan includes 1: the other 2 are billed as extra numbers each month.',
    )
    expect(warnings.some((w) => w.includes('release'))).toBe(false)
  })

  it("keeps an operator's overrides: an overridden value does not change with the plan", () => {
    const current = planDefaults('enterprise')
    current.overridden = { ...current.overridden, numbers: true, features: ['apiAccess'] }
    const { losses } = planChanges(current, PLANS.starter, idle)
    expect(losses.some((l) => l.startsWith('Fewer WhatsApp numbers'))).toBe(false)
    expect(losses.some((l) => l.startsWith('API keys stop working'))).toBe(false)
    expect(losses.some((l) => l.startsWith('Webhooks stop'))).toBe(true)
  })
})

describe("the operator's overrides form", () => {
  it('sends only what changed, null to go back to the plan', () => {
    const initial = overridesDraftOf({ numbers: 3, features: { webhooks: true } })
    expect(overridesChangeOf(initial, initial)).toEqual({ change: undefined, errors: {} })
    const edited = {
      ...initial,
      numbers: '',
      maxTotalChars: '500000',
      features: { ...initial.features, webhooks: 'default' as const, apiAccess: 'on' as const },
    }
    expect(overridesChangeOf(initial, edited)).toEqual({
      change: { numbers: null, maxTotalChars: 500_000, features: { webhooks: null, apiAccess: true } },
      errors: {},
    })
  })

  it('refuses what is not a whole number', () => {
    const initial = overridesDraftOf(undefined)
    const { change, errors } = overridesChangeOf(initial, { ...initial, numbers: '2.5' })
    expect(change).toBeUndefined()
    expect(errors.numbers).toMatch(/whole number/)
  })

  it('summarises a custom deal', () => {
    expect(overridesSummary({ numbers: 3, features: { apiAccess: true, webhooks: false } })).toBe(
      '3 numbers, API keys and the public API on, Webhooks to your server off',
    )
    expect(overridesSummary({})).toBe('')
  })
})

describe('upgrade prompts from errors', () => {
  it('recognises 402 PLAN_REQUIRED with its plan, and nothing else', () => {
    const details = { feature: 'apiAccess', currentPlan: 'starter', requiredPlan: 'enterprise' }
    expect(planRequiredOf(new ApiError(402, 'PLAN_REQUIRED', 'needs Enterprise', details))).toEqual(details)
    expect(planRequiredOf(new ApiError(402, 'PLAN_REQUIRED', 'x', { feature: 'nope' }))).toBeNull()
    expect(planRequiredOf(new ApiError(409, 'CONFLICT', 'x', details))).toBeNull()
    expect(planRequiredOf(new Error('x'))).toBeNull()
  })
})

describe('money in the Billing tab', () => {
  it("formats Stripe's smallest-unit amounts in their currency", () => {
    expect(formatMoney(9900, 'usd')).toBe(
      new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(99),
    )
    expect(formatMoney(500, 'jpy')).toBe(
      new Intl.NumberFormat(undefined, { style: 'currency', currency: 'JPY' }).format(500),
    )
    expect(formatMoney(1234, 'not-a-currency')).toBe('12.34 NOT-A-CURRENCY')
  })
})
