import { z } from 'zod'
import { MEMBER_ROLES } from '../../../shared/enums.js'

export const RoleSchema = z.enum(MEMBER_ROLES)
export const InviteMemberInput = z
  .object({ email: z.string().trim().toLowerCase().email('must be an email address'), role: RoleSchema })
  .strict()
export const UpdateMemberInput = z.object({ role: RoleSchema }).strict()
