import { sendOutbound } from '../../core/inbound/send-outbound.js'
import type { JobHandlers } from './index.js'

// Customer messages are answered by the inbox worker (jobs/inbox-worker.ts), not by a job per message.
export const inboundHandlers: JobHandlers = {
  'messages.send': async ({ messageId }, services, meta) => {
    await sendOutbound(services, messageId, meta)
  },
}
