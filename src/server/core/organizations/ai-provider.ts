import type { Config } from '../../config.js'
import { BadRequest } from '../errors.js'

/** The providers this deployment has keys for; `builtin` is always there. */
export function configuredProviders(config: Config): string[] {
  const list = ['builtin']
  if (config.ai.deepseek) list.push('deepseek')
  if (config.ai.openai) list.push('openai')
  if (config.ai.anthropic) list.push('anthropic')
  if (config.ai.compatible) list.push('compatible')
  return list
}

export function assertProviderConfigured(config: Config, provider: string | undefined) {
  if (provider && !configuredProviders(config).includes(provider)) {
    throw new BadRequest('Invalid input', [
      {
        path: 'ai.provider',
        message: `provider "${provider}" is not configured on this platform (available: ${configuredProviders(config).join(', ')})`,
      },
    ])
  }
}
