import { z } from 'zod'

export const RoleSchema = z.enum(['owner', 'admin', 'agent', 'viewer'])
export const InviteMemberInput = z
  .object({ email: z.string().trim().toLowerCase().email('must be an email address'), role: RoleSchema })
  .strict()
export const UpdateMemberInput = z.object({ role: RoleSchema }).strict()
