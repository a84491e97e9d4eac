import { useSession } from '../api/auth'
import { useMyInvitations, useRespondToInvitation } from '../api/invitations'
import { Button } from './Button'
import { Card, ErrorNotice } from './Feedback'
import { formatDate } from './format'

/** Invitations to join other organizations, answered here (needs a verified email; the banner asks for it). */
export function MyInvitations() {
  const session = useSession()
  const verified = session.data?.user.emailVerified === true
  const invitations = useMyInvitations(verified)
  const respond = useRespondToInvitation()
  if (!verified || !invitations.data || invitations.data.length === 0) {
    return invitations.isError ? (
      <ErrorNotice error={invitations.error} title="Could not load your invitations" />
    ) : null
  }
  return (
    <Card title="Invitations">
      <ul className="divide-y divide-slate-200" aria-label="Invitations">
        {invitations.data.map((inv) => {
          const busy = respond.isPending && respond.variables?.id === inv.id
          return (
            <li
              key={inv.id}
              className="flex flex-wrap items-center justify-between gap-3 py-2"
              data-testid="my-invitation"
            >
              <p className="text-sm">
                {inv.invitedBy ? <span className="font-medium">{inv.invitedBy}</span> : 'Someone'} invited you
                to <span className="font-medium">{inv.organizationName}</span> as {inv.role}.{' '}
                <span className="text-xs text-slate-500">Expires {formatDate(inv.expiresAt)}.</span>
              </p>
              <div className="flex gap-2">
                <Button
                  busy={busy && respond.variables?.answer === 'accept'}
                  disabled={busy}
                  onClick={() => respond.mutate({ id: inv.id, answer: 'accept' })}
                >
                  Accept<span className="sr-only"> the invitation to {inv.organizationName}</span>
                </Button>
                <Button
                  variant="secondary"
                  busy={busy && respond.variables?.answer === 'decline'}
                  disabled={busy}
                  onClick={() => respond.mutate({ id: inv.id, answer: 'decline' })}
                >
                  Decline<span className="sr-only"> the invitation to {inv.organizationName}</span>
                </Button>
              </div>
            </li>
          )
        })}
      </ul>
      {respond.isError && <ErrorNotice error={respond.error} title="Not answered" />}
    </Card>
  )
}
