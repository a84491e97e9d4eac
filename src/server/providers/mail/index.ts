import type { Config } from '../../config.js'
import type { Logger } from '../../logger.js'
import { LogMailer } from './log-outbox.js'
import { SmtpMailer } from './smtp.js'
import type { Mailer } from './types.js'

/** SMTP when configured, else the log outbox. */
export function createMailer(config: Config, log: Logger): Mailer {
  if (config.mail.transport === 'smtp') return new SmtpMailer(config.mail)
  return new LogMailer(config.dataDir, config.mail.from, log)
}
