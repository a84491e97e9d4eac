import { renderTemplate, TEMPLATE_LIMITS, variableProblems } from '../../../shared/template-text.js'
import type { ActorCtx } from '../context.js'
import { BadRequest } from '../errors.js'
import { authorizeOrganization } from '../members/permissions.js'
import { findTemplate, requireApproved } from '../templates/find-template.js'
import type { SendTemplateInput } from '../templates/schemas.js'
import { messageView, oneConversation } from './conversations.js'
import { queueAgentMessage } from './queue-agent-message.js'

/**
 * An agent sends an approved template in a conversation: WhatsApp's way to write to a customer
 * whose last message is more than 24 hours old. Stored like an agent reply (source `agent`, not
 * counted against the month, the conversation taken over) with its template and values; the body
 * is the text the customer reads. Sent by the `messages.send` job as ContentSid + ContentVariables.
 */
export async function sendTemplateMessage({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: SendTemplateInput & { organizationId: string; conversationId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'conversations:reply')
  const conversation = await oneConversation(ctx, input.organizationId, input.conversationId)
  const template = requireApproved(await findTemplate(ctx.db, input.organizationId, input.templateId))
  const variables = Object.fromEntries(Object.entries(input.variables).map(([k, v]) => [k, v.trim()]))
  const { missing, unknown } = variableProblems(template.body, variables)
  if (missing.length > 0 || unknown.length > 0) {
    const parts = [
      missing.length ? `Fill in ${missing.map((n) => `{{${n}}}`).join(', ')}` : '',
      unknown.length ? `the template has no ${unknown.map((n) => `{{${n}}}`).join(', ')}` : '',
    ].filter(Boolean)
    throw new BadRequest(parts.join('; '), { missing, unknown })
  }
  const body = renderTemplate(template.body, variables)
  if (body.length > TEMPLATE_LIMITS.bodyChars) {
    throw new BadRequest(
      `With these values the message has ${body.length} characters; WhatsApp allows ${TEMPLATE_LIMITS.bodyChars}`,
      { missing: [], unknown: [], length: body.length },
    )
  }
  const message = await queueAgentMessage(ctx, {
    organizationId: input.organizationId,
    conversationId: conversation.id,
    body,
    template: { id: template.id, variables },
  })
  return messageView(message)
}
