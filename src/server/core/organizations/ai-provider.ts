import type { Config } from '../../config.js'
import { availableProviders } from '../../providers/ai/models.js'
import { BadRequest } from '../errors.js'

/** The providers this deployment has keys for; `builtin` is always there. */
export const configuredProviders = (config: Config): string[] => availableProviders(config).map((p) => p.id)

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
