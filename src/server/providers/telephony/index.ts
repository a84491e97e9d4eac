import type { Config } from '../../config.js'
import type { Db } from '../../db/client.js'
import { SandboxTelephony } from './sandbox.js'
import { TwilioTelephony } from './twilio.js'
import type { Telephony } from './types.js'

/** Twilio when credentials are set, else the sandbox. */
export function createTelephony(config: Config, db: Db): Telephony {
  if (config.twilio) return new TwilioTelephony(config)
  return new SandboxTelephony(config, db)
}
