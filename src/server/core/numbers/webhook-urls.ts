import type { Config } from '../../config.js'

/** Where Twilio posts inbound messages and status callbacks for every number of the platform. */
export const webhookUrls = (config: Config) => ({
  smsUrl: `${config.appUrl}/api/whatsapp/webhook`,
  statusCallback: `${config.appUrl}/api/whatsapp/status`,
})
