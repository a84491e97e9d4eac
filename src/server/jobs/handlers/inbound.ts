import { processReply } from '../../core/inbound/process-reply.js'
import { sendOutbound } from '../../core/inbound/send-outbound.js'
import type { JobHandlers } from './index.js'

export const inboundHandlers: JobHandlers = {
  'inbound.reply': async ({ messageId }, services, meta) => {
    await processReply(services, messageId, meta)
  },
  'messages.send': async ({ messageId }, services, meta) => {
    await sendOutbound(services, messageId, meta)
  },
}
