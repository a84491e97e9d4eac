import type { MailMessage } from '../../providers/mail/types.js'

export function invitationEmail(input: {
  to: string
  organizationName: string
  inviterName: string
  role: string
  appUrl: string
  expiresAt: Date
}): MailMessage {
  return {
    to: input.to,
    subject: `${input.inviterName} invited you to ${input.organizationName}`,
    text: [
      'Hello,',
      '',
      `${input.inviterName} invited you to join ${input.organizationName} on WhatsApp AI Assistants as ${input.role}.`,
      '',
      'To accept, open the link below and sign in — or sign up with this email address — then verify',
      'your email if you have not yet, and accept the invitation on your organizations page:',
      '',
      `${input.appUrl}/Dashboard/organizations`,
      '',
      `The invitation expires on ${input.expiresAt.toUTCString()}. If you were not expecting it, ignore this message.`,
    ].join('\n'),
  }
}
