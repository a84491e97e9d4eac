import type { MailMessage } from '../../providers/mail/types.js'

// The account emails' words, in one place.

export function verificationEmail({ to, name, url }: { to: string; name: string; url: string }): MailMessage {
  return {
    to,
    subject: 'Verify your email address',
    text: [
      `Hello ${name},`,
      '',
      'Open this link to verify your email address for WhatsApp AI Assistants:',
      '',
      url,
      '',
      'The link works for 24 hours. Until you verify, you cannot accept invitations to a team.',
      'If you did not sign up, ignore this message.',
    ].join('\n'),
  }
}

export function phoneMovedEmail({
  to,
  name,
  phone,
}: {
  to: string
  name: string
  phone: string
}): MailMessage {
  return {
    to,
    subject: 'Your WhatsApp number was linked to another account',
    text: [
      `Hello ${name},`,
      '',
      `The WhatsApp number ${phone} was linked to another account, whose owner received the one-time code sent to that number.`,
      'It is no longer linked to yours: messages from it to the platform number are now answered from the other account.',
      'If this is still your number, link it again from your account page: a new code will be sent to it.',
    ].join('\n'),
  }
}
