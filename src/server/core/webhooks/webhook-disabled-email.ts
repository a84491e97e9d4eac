import type { MailMessage } from '../../providers/mail/types.js'

export function webhookDisabledEmail(input: {
  to: string
  organizationName: string
  url: string
  reason: string
  appUrl: string
}): MailMessage {
  return {
    to: input.to,
    subject: `A webhook of ${input.organizationName} was disabled`,
    text: [
      'Hello,',
      '',
      `The webhook endpoint ${input.url} of ${input.organizationName} kept failing and was disabled.`,
      input.reason,
      '',
      'Events are no longer sent to it. Once the endpoint answers again, enable it in the dashboard',
      '(organization settings, Developers, Webhooks); its failed deliveries can be replayed from its delivery log.',
      '',
      `${input.appUrl}/Dashboard/organizations`,
    ].join('\n'),
  }
}
