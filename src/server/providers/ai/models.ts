import { createAnthropic } from '@ai-sdk/anthropic'
import { createDeepSeek } from '@ai-sdk/deepseek'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import type { LanguageModel } from 'ai'
import type { Config } from '../../config.js'

export type ProviderId = 'builtin' | 'deepseek' | 'openai' | 'anthropic' | 'compatible'

/** Models offered per provider; an organization may still name another model id of that provider. */
export const PROVIDER_MODELS: Record<ProviderId, string[]> = {
  builtin: ['builtin'],
  deepseek: ['deepseek-chat', 'deepseek-reasoner'],
  openai: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'gpt-4.1'],
  anthropic: ['claude-3-5-haiku-latest', 'claude-sonnet-4-5', 'claude-haiku-4-5'],
  compatible: [],
}

export const DEFAULT_MODELS: Record<Exclude<ProviderId, 'builtin'>, string> = {
  deepseek: 'deepseek-chat',
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
  compatible: 'default',
}

/** The providers this deployment has keys for, with their models; `builtin` always. */
export function availableProviders(config: Config): { id: ProviderId; models: string[] }[] {
  const list: { id: ProviderId; models: string[] }[] = [{ id: 'builtin', models: PROVIDER_MODELS.builtin }]
  const withDefault = (id: 'deepseek' | 'openai' | 'anthropic') => {
    const models = [...PROVIDER_MODELS[id]]
    // AI_MODEL applies to the platform's default provider (DeepSeek, else the first configured).
    if (
      config.ai.defaultModel &&
      !models.includes(config.ai.defaultModel) &&
      id === defaultProvider(config)
    ) {
      models.unshift(config.ai.defaultModel)
    }
    return models
  }
  if (config.ai.deepseek) list.push({ id: 'deepseek', models: withDefault('deepseek') })
  if (config.ai.openai) list.push({ id: 'openai', models: withDefault('openai') })
  if (config.ai.anthropic) list.push({ id: 'anthropic', models: withDefault('anthropic') })
  if (config.ai.compatible) list.push({ id: 'compatible', models: config.ai.compatible.models })
  return list
}

/** The provider answering for organizations that chose none: DeepSeek when its key is set, as the platform always did. */
export function defaultProvider(config: Config): ProviderId {
  if (config.ai.deepseek) return 'deepseek'
  if (config.ai.openai) return 'openai'
  if (config.ai.anthropic) return 'anthropic'
  if (config.ai.compatible) return 'compatible'
  return 'builtin'
}

export interface ModelChoice {
  provider: ProviderId
  modelId: string
  /** `builtin` or `provider:model`, recorded on messages. */
  label: string
}

/**
 * The organization's provider and model when this deployment has that provider configured,
 * else the platform default (DeepSeek when DEEPSEEK_API_KEY is set, else the built-in responder).
 */
export function chooseModel(config: Config, ai: { provider?: string; model?: string }): ModelChoice {
  const configured = new Set(availableProviders(config).map((p) => p.id))
  const wanted = ai.provider as ProviderId | undefined
  let provider: ProviderId
  let modelId: string | undefined
  if (wanted && configured.has(wanted)) {
    provider = wanted
    modelId = ai.model
  } else {
    provider = defaultProvider(config)
    // A model named for a provider we are not using would be sent to the wrong API.
    modelId = wanted ? undefined : ai.model
  }
  if (provider === 'builtin') return { provider, modelId: 'builtin', label: 'builtin' }
  if (!modelId && provider === defaultProvider(config)) modelId = config.ai.defaultModel
  modelId ??=
    provider === 'compatible'
      ? (config.ai.compatible?.models[0] ?? DEFAULT_MODELS.compatible)
      : DEFAULT_MODELS[provider]
  return { provider, modelId, label: `${provider}:${modelId}` }
}

/** The AI SDK model for a non-builtin choice; base URLs come from config so tests can use a local server. */
export function languageModelFor(
  config: Config,
  choice: ModelChoice,
  compatible?: CompatibleEndpoint,
): LanguageModel {
  switch (choice.provider) {
    case 'deepseek': {
      const c = requireKey(config.ai.deepseek, 'deepseek')
      return createDeepSeek({ apiKey: c.apiKey, baseURL: c.baseURL })(choice.modelId)
    }
    case 'openai': {
      const c = requireKey(config.ai.openai, 'openai')
      // Chat Completions rather than the Responses API: it is what OpenAI-compatible servers speak.
      return createOpenAI({ apiKey: c.apiKey, baseURL: c.baseURL }).chat(choice.modelId)
    }
    case 'anthropic': {
      const c = requireKey(config.ai.anthropic, 'anthropic')
      return createAnthropic({ apiKey: c.apiKey, baseURL: c.baseURL })(choice.modelId)
    }
    case 'compatible': {
      const endpoint = compatible ?? config.ai.compatible
      if (!endpoint)
        throw new Error('an OpenAI-compatible endpoint needs a base URL (AI_COMPATIBLE_BASE_URL)')
      return createOpenAICompatible({
        name: compatible?.name ?? 'compatible',
        baseURL: endpoint.baseURL,
        apiKey: endpoint.apiKey,
        includeUsage: true,
      }).chatModel(choice.modelId)
    }
    case 'builtin':
      throw new Error('the built-in responder is not an AI SDK model')
  }
}

export interface CompatibleEndpoint {
  baseURL: string
  apiKey?: string
  name?: string
}

function requireKey<T>(value: T | undefined, provider: string): T {
  if (!value) throw new Error(`provider ${provider} is not configured`)
  return value
}
