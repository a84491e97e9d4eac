import type { Config } from '../../config.js'
import type { AiSettings, VariantSettings } from '../../db/schema/index.js'
import { availableProviders, type ProviderId } from '../../providers/ai/models.js'
import type { Decision } from '../inbound/decide-reply.js'

/**
 * The provider and model a variant names, when this deployment serves it: `provider:model`, or a
 * bare model id listed by exactly one configured provider (`builtin` is the built-in responder).
 * Null when nothing configured serves it.
 */
export function servedModel(config: Config, wanted: string): { provider: ProviderId; model: string } | null {
  const providers = availableProviders(config)
  const colon = wanted.indexOf(':')
  if (colon > 0) {
    const provider = providers.find((p) => p.id === wanted.slice(0, colon))
    const model = wanted.slice(colon + 1)
    return provider?.models.includes(model) ? { provider: provider.id, model } : null
  }
  const serving = providers.filter((p) => p.models.includes(wanted))
  const only = serving.length === 1 ? serving[0] : undefined
  return only ? { provider: only.id, model: wanted } : null
}

/** What the assistant answers with: the organization's AI settings with the variant's over them. */
export function withVariant(
  config: Config,
  ai: AiSettings,
  variant: VariantSettings | undefined,
  warn: (message: string) => void,
): AiSettings {
  if (!variant) return ai
  const out: AiSettings = { ...ai }
  if (variant.tone?.trim()) out.tone = variant.tone
  // The variant's instructions come after the organization's own (both are followed).
  const instructions = [ai.instructions, variant.instructions].filter((s) => s?.trim()).join('\n')
  if (instructions) out.instructions = instructions
  if (variant.model?.trim()) {
    const served = servedModel(config, variant.model)
    if (served) {
      out.provider = served.provider
      out.model = served.model
    } else {
      // Configured when the experiment started, gone since (or a typo through the database):
      // the organization's own model answers rather than nobody.
      warn(
        `experiment variant model ${variant.model} is not served by this deployment; using the organization's`,
      )
    }
  }
  return out
}

/**
 * The reply decision with the variant's welcome message in place of the organization's, for a
 * customer the decision answers for the first time (`welcome` is null when the organization has
 * none; the variant's applies all the same).
 */
export function withVariantWelcome(decision: Decision, variant: VariantSettings | undefined): Decision {
  const welcome = variant?.welcomeMessage?.trim()
  if (decision.kind !== 'open' || !welcome) return decision
  return { kind: 'open', welcome }
}
