import { sendOutbound } from '../../core/inbound/send-outbound.js'
import type { inboundJobs } from '../catalog/inbound.js'
import type { HandlersFor } from './index.js'

// Customer messages are answered by the inbox worker (jobs/inbox-worker.ts), not by a job per message.
export const inboundHandlers: HandlersFor<typeof inboundJobs> = {
  'messages.send': async ({ messageId }, services, meta) => {
    await sendOutbound(services, messageId, meta)
  },
}
