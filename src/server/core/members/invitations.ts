import type { invitations } from '../../db/schema/index.js'

/** An invitation is valid for 7 days; inviting the same address again renews it. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000
/** Open invitations one organization may have at a time (each one sends an email). */
export const MAX_PENDING_INVITATIONS = 100

type InvitationRow = typeof invitations.$inferSelect

/** The invitation as owners and admins see it. */
export const invitationView = (row: InvitationRow, invitedByName: string | null) => ({
  id: row.id,
  email: row.email,
  role: row.role,
  status: row.status,
  expired: row.status === 'pending' && row.expiresAt.getTime() <= Date.now(),
  invitedBy: invitedByName,
  expiresAt: row.expiresAt.toISOString(),
  createdAt: row.createdAt.toISOString(),
})
