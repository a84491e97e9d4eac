// Outgoing email behind one small interface: SMTP in production, the log outbox in embedded mode.

export interface MailMessage {
  to: string
  subject: string
  /** Plain text; links in it are shown as they are. */
  text: string
}

export interface Mailer {
  readonly kind: 'smtp' | 'log'
  send(message: MailMessage): Promise<void>
}

export class MailError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'MailError'
  }
}
