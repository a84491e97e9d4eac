import type { PlanType } from './enums.js'

// What each plan includes (issue 17): the one table every gate reads, on the server and in the
// dashboard. Prices are what the product's design says; with Stripe they are the prices of the
// configured price ids, and this table says what a plan *gives*, never what it costs.

/** Features a plan may include. A gated action without the feature answers 402 PLAN_REQUIRED. */
export const FEATURES = ['businessHours', 'apiAccess', 'webhooks', 'crmIntegrations'] as const
export type Feature = (typeof FEATURES)[number]

export const FEATURE_LABELS: Record<Feature, string> = {
  businessHours: 'Business hours',
  apiAccess: 'API keys and the public API',
  webhooks: 'Webhooks to your server',
  crmIntegrations: 'CRM integrations (coming soon)',
}

/**
 * "Basic", "advanced" and "custom" AI training, made concrete: how much knowledge the assistant is
 * trained on (characters of text across every source, after extraction), how many sources, and
 * the largest file that can be uploaded. Custom is the largest, and an operator can raise it further
 * for one organization (a custom deal).
 */
export interface KnowledgeAllowance {
  training: 'basic' | 'advanced' | 'custom'
  maxSources: number
  maxTotalChars: number
  maxFileBytes: number
}

export interface PlanEntitlements {
  label: string
  /** US dollars a month (the product's list price). */
  priceUsd: number
  monthlyMessages: number
  /** Live WhatsApp numbers the organization may hold. */
  numbers: number
  knowledge: KnowledgeAllowance
  features: Record<Feature, boolean>
}

const MB = 1024 * 1024

export const PLANS: Record<PlanType, PlanEntitlements> = {
  starter: {
    label: 'Starter',
    priceUsd: 29,
    monthlyMessages: 500,
    numbers: 1,
    knowledge: { training: 'basic', maxSources: 25, maxTotalChars: 200_000, maxFileBytes: 2 * MB },
    features: { businessHours: false, apiAccess: false, webhooks: false, crmIntegrations: false },
  },
  business: {
    label: 'Business',
    priceUsd: 99,
    monthlyMessages: 2000,
    numbers: 1,
    knowledge: { training: 'advanced', maxSources: 200, maxTotalChars: 2_000_000, maxFileBytes: 10 * MB },
    features: { businessHours: true, apiAccess: false, webhooks: false, crmIntegrations: false },
  },
  enterprise: {
    label: 'Enterprise',
    priceUsd: 299,
    monthlyMessages: 10_000,
    numbers: 5,
    knowledge: { training: 'custom', maxSources: 1000, maxTotalChars: 10_000_000, maxFileBytes: 10 * MB },
    features: { businessHours: true, apiAccess: true, webhooks: true, crmIntegrations: true },
  },
}

/** The cheapest plan that includes a feature. */
export function planFor(feature: Feature): PlanType {
  const found = (Object.keys(PLANS) as PlanType[]).find((p) => PLANS[p].features[feature])
  return found ?? 'enterprise'
}

/**
 * What an operator may set for one organization on top of its plan (a custom deal). The monthly
 * message limit has its own column (`monthly_message_limit_override`), older than this.
 */
export interface PlanOverrides {
  numbers?: number
  maxTotalChars?: number
  features?: Partial<Record<Feature, boolean>>
}

/**
 * Numbers an organization may hold beyond its plan's when billing sells them one by one
 * (STRIPE_PRICE_EXTRA_NUMBER): each is a quantity on the subscription's per-number item.
 */
export const EXTRA_NUMBERS_MAX = 10
