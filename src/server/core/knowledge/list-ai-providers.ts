import { availableProviders } from '../../providers/ai/models.js'
import type { ActorCtx } from '../context.js'

/** The model providers this deployment has keys for, with their models; the built-in responder always. */
export function listAiProviders({ ctx }: { ctx: ActorCtx }) {
  return { providers: availableProviders(ctx.config) }
}
