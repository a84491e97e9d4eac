import nodemailer, { type Transporter } from 'nodemailer'
import type { MailConfig } from '../../config.js'
import { MailError, type Mailer, type MailMessage } from './types.js'

type SmtpConfig = Extract<MailConfig, { transport: 'smtp' }>

/** Sends through the configured SMTP server (nodemailer; STARTTLS when the server offers it, TLS for smtps:// or port 465). */
export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const
  private readonly transport: Transporter

  constructor(private readonly config: SmtpConfig) {
    this.transport =
      'url' in config
        ? nodemailer.createTransport(config.url)
        : nodemailer.createTransport({
            host: config.host,
            port: config.port,
            secure: config.port === 465,
            ...(config.user ? { auth: { user: config.user, pass: config.password } } : {}),
          })
  }

  async send(message: MailMessage): Promise<void> {
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      })
    } catch (err) {
      // nodemailer's message never carries the password; the cause keeps the SMTP reply for the log.
      throw new MailError(`The mail server refused or could not be reached: ${(err as Error).message}`, {
        cause: err,
      })
    }
  }
}
