import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import { findTemplate } from './find-template.js'
import { templateView } from './view.js'

export async function getTemplate({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string; templateId: string }
}) {
  await authorizeOrganization(ctx, input.organizationId, 'templates:read')
  return templateView(await findTemplate(ctx.db, input.organizationId, input.templateId))
}
