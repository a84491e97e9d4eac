import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { toAppError } from '../numbers/provider-errors.js'
import { fetchApproval } from './check-approval.js'
import { findTemplate } from './find-template.js'
import { templateView } from './view.js'

/** Asks Twilio now where WhatsApp's review stands (instead of waiting for the next check). */
export async function refreshTemplate({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; templateId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'templates:manage')
  const template = await findTemplate(ctx.db, input.organizationId, input.templateId)
  const { contentSid } = template
  if (!contentSid) return templateView(template)
  try {
    return templateView(await fetchApproval(ctx, { ...template, contentSid }))
  } catch (err) {
    throw toAppError(err)
  }
}
