import type { AttentionReason } from '../../../shared/enums.js'
import type { MailMessage } from '../../providers/mail/types.js'

// The words of "a conversation needs a person", in one place. They name the customer and say why,
// and quote at most a short preview of what the customer wrote: the transcript stays in the dashboard.

const REASONS: Record<AttentionReason, string> = {
  customer_asked: 'the customer asked to talk to a person',
  assistant_unable: 'the assistant could not answer the customer',
  customer_waiting: 'the customer wrote again and is waiting for your team',
  limit_reached: 'the monthly message limit was reached, so the assistant stopped answering',
  send_failed: 'a message to the customer could not be delivered',
}

export const PREVIEW_CHARS = 80

/** Why the conversation needs a person, in plain words (unknown reasons fall back to a general one). */
export const attentionReasonText = (reason: string | null) =>
  REASONS[reason as AttentionReason] ?? 'the conversation needs a person'

/** The first words of a customer's message, on one line, at most PREVIEW_CHARS characters. */
export function messagePreview(body: string | null | undefined) {
  const line = (body ?? '').replace(/\s+/g, ' ').trim()
  if (!line) return null
  return line.length <= PREVIEW_CHARS ? line : `${line.slice(0, PREVIEW_CHARS - 1).trimEnd()}…`
}

/** The customer as the team knows them: their name (or WhatsApp profile name) and number. */
export const customerLabel = (c: { name: string | null; profileName: string | null; waId: string }) => {
  const name = c.name?.trim() || c.profileName?.trim()
  return name ? `${name} (${c.waId})` : c.waId
}

/** The dashboard's inbox with this conversation open. */
export const conversationLink = (appUrl: string, organizationId: string, conversationId: string) =>
  `${appUrl}/Dashboard/organizations/${organizationId}?tab=inbox&conversation=${conversationId}`

export interface AttentionNotice {
  organizationName: string
  customer: string
  reason: string | null
  preview: string | null
  link: string
}

export function attentionEmail(to: { email: string; name: string }, n: AttentionNotice): MailMessage {
  return {
    to: to.email,
    subject: `${n.organizationName}: ${n.customer} needs a person`,
    text: [
      `Hello ${to.name},`,
      '',
      `A conversation in ${n.organizationName} needs a person: ${attentionReasonText(n.reason)}.`,
      '',
      `Customer: ${n.customer}`,
      ...(n.preview ? [`Last message: “${n.preview}”`] : []),
      '',
      'Open the conversation:',
      n.link,
      '',
      'You will not be told again about this conversation until someone on your team handles it.',
      'You chose email notifications for this organization; change them in the dashboard’s inbox.',
    ].join('\n'),
  }
}

/** The WhatsApp message to a member's own phone: who and why, and the link; no message text. */
export const attentionWhatsApp = (n: AttentionNotice) =>
  `${n.organizationName}: ${n.customer} needs a person — ${attentionReasonText(n.reason)}.\n${n.link}`
