import { useState } from 'react'
import { useSession } from '../../../api/auth'
import { useInviteMember, useOrgInvitations, useRevokeInvitation } from '../../../api/invitations'
import { useMembers, useRemoveMember, useUpdateMemberRole } from '../../../api/members'
import { atLeast, type Organization, ROLES, type Role } from '../../../api/types'
import { Button } from '../../../components/Button'
import { Card, EmptyState, ErrorNotice, LoadingBlock, ReadOnlyNote } from '../../../components/Feedback'
import { inlineInputClass, SelectField, TextField } from '../../../components/Field'
import { formatDate } from '../../../components/format'
import { useServerForm } from '../../../components/forms/useServerForm'
import { ConfirmDialog } from '../../../components/Modal'
import { useToast } from '../../../components/Toast'

const roleOf = (value: string) => ROLES.find((r) => r === value)

function InviteForm({ org, assignable }: { org: Organization; assignable: Role[] }) {
  const invite = useInviteMember(org.id)
  const form = useServerForm<{ email: string; role: Role }>({ email: '', role: 'agent' }, invite)
  const toast = useToast()
  return (
    <form
      className="grid gap-3 border-t border-slate-200 pt-4 sm:grid-cols-[1fr_10rem_auto] sm:items-end"
      noValidate
      onSubmit={form.submit((v) =>
        invite.mutate(v, {
          onSuccess: (inv) => {
            toast(`Invitation sent to ${inv.email}.`)
            form.set('email', '')
          },
        }),
      )}
    >
      <TextField
        id="member-email"
        label="Invite by email"
        type="email"
        {...form.bind('email')}
        hint="We email them an invitation; they join when they accept it from an account with this verified address."
      />
      <SelectField
        id="member-role"
        label="Role"
        value={form.values.role}
        onChange={(e) => form.set('role', roleOf(e.target.value) ?? form.values.role)}
      >
        {assignable.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </SelectField>
      <Button type="submit" busy={invite.isPending}>
        Send invitation
      </Button>
      {invite.isError && !form.error('email') && (
        <div className="sm:col-span-3">
          <ErrorNotice error={invite.error} title="Invitation not sent" />
        </div>
      )}
    </form>
  )
}

function PendingInvitations({ org }: { org: Organization }) {
  const invitations = useOrgInvitations(org.id, true)
  const revoke = useRevokeInvitation(org.id)
  if (invitations.isPending) return <LoadingBlock label="Loading invitations…" lines={1} />
  if (invitations.isError)
    return <ErrorNotice error={invitations.error} title="Could not load the invitations" />
  if (invitations.data.length === 0) return null
  return (
    <div className="space-y-2 border-t border-slate-200 pt-4">
      <h3 className="text-sm font-semibold text-slate-800">Pending invitations</h3>
      <ul className="divide-y divide-slate-200" aria-label="Pending invitations">
        {invitations.data.map((inv) => (
          <li
            key={inv.id}
            className="flex flex-wrap items-center justify-between gap-2 py-2"
            data-testid="invitation-row"
          >
            <div className="min-w-0">
              <p className="truncate text-sm font-medium">{inv.email}</p>
              <p className="text-xs text-slate-500">
                {inv.role} ·{' '}
                {inv.expired ? (
                  <span className="text-red-700">expired — invite again to renew</span>
                ) : (
                  `expires ${formatDate(inv.expiresAt)}`
                )}
                {inv.invitedBy ? ` · invited by ${inv.invitedBy}` : ''}
              </p>
            </div>
            {(org.role === 'owner' || inv.role !== 'owner') && (
              <Button
                variant="ghost"
                className="text-red-700"
                busy={revoke.isPending && revoke.variables === inv.id}
                onClick={() => revoke.mutate(inv.id)}
              >
                Revoke<span className="sr-only"> the invitation of {inv.email}</span>
              </Button>
            )}
          </li>
        ))}
      </ul>
      {revoke.isError && <ErrorNotice error={revoke.error} title="Invitation not revoked" />}
    </div>
  )
}

/** The team: members with their roles, pending invitations, and the invite form. */
export function MembersSection({ org }: { org: Organization }) {
  const members = useMembers(org.id)
  const session = useSession()
  const changeRole = useUpdateMemberRole(org.id)
  const remove = useRemoveMember(org.id)
  const [removing, setRemoving] = useState<{ userId: string; name: string } | null>(null)
  const canManage = atLeast(org.role, 'admin')
  const assignable = ROLES.filter((r) => org.role === 'owner' || r !== 'owner')
  // An organization always keeps an owner: its only owner cannot leave (or be removed) until another is made owner.
  const owners = members.data?.filter((m) => m.role === 'owner').length ?? 0

  return (
    <Card title="Team">
      <div className="space-y-4">
        {!canManage && <ReadOnlyNote>Only owners and admins manage the team.</ReadOnlyNote>}
        {members.isPending && <LoadingBlock label="Loading members…" />}
        {members.isError && <ErrorNotice error={members.error} title="Could not load the team" />}
        {members.data && members.data.length === 0 && <EmptyState title="No members" />}
        {members.data && members.data.length > 0 && (
          <ul className="divide-y divide-slate-200" aria-label="Members">
            {members.data.map((m) => {
              const self = m.userId === session.data?.user.id
              const editable = canManage && (org.role === 'owner' || m.role !== 'owner')
              const soleOwner = m.role === 'owner' && owners === 1
              return (
                <li
                  key={m.userId}
                  className="flex flex-wrap items-center justify-between gap-2 py-2"
                  data-testid="member-row"
                >
                  <div className="min-w-0">
                    <p className="truncate text-sm font-medium">
                      {m.name} {self && <span className="text-xs text-slate-500">(you)</span>}
                    </p>
                    <p className="truncate text-xs text-slate-500">{m.email}</p>
                  </div>
                  <div className="flex items-center gap-2">
                    <label className="sr-only" htmlFor={`role-${m.userId}`}>
                      Role of {m.name}
                    </label>
                    <select
                      id={`role-${m.userId}`}
                      className={`${inlineInputClass} w-28`}
                      value={m.role}
                      disabled={!editable || soleOwner || changeRole.isPending}
                      onChange={(e) => {
                        const role = roleOf(e.target.value)
                        if (role) changeRole.mutate({ userId: m.userId, role })
                      }}
                    >
                      {(editable ? assignable : ROLES).map((r) => (
                        <option key={r} value={r}>
                          {r}
                        </option>
                      ))}
                    </select>
                    {editable && soleOwner && self && (
                      <span className="text-xs text-slate-600" data-testid="sole-owner-note">
                        Only owner: make someone else owner before you can leave
                      </span>
                    )}
                    {editable && !soleOwner && (
                      <Button
                        variant="ghost"
                        className="text-red-700"
                        onClick={() => setRemoving({ userId: m.userId, name: m.name })}
                      >
                        {self ? 'Leave' : 'Remove'}
                      </Button>
                    )}
                  </div>
                </li>
              )
            })}
          </ul>
        )}
        {changeRole.isError && <ErrorNotice error={changeRole.error} title="Role not changed" />}
        {remove.isError && <ErrorNotice error={remove.error} title="Member not removed" />}
        {canManage && <PendingInvitations org={org} />}
        {canManage && <InviteForm org={org} assignable={assignable} />}
      </div>
      <ConfirmDialog
        open={removing !== null}
        title="Remove this member?"
        confirmLabel="Remove"
        busy={remove.isPending}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing.userId, { onSettled: () => setRemoving(null) })}
      >
        <p className="text-sm text-slate-600">
          {removing?.name} will lose access to {org.name}.
        </p>
      </ConfirmDialog>
    </Card>
  )
}
