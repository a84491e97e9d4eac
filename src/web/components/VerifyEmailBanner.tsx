import { Link } from 'react-router-dom'
import { useResendVerificationEmail } from '../api/account'
import { useSession } from '../api/auth'
import { errorMessage } from '../api/client'
import { Button, focusRing } from './Button'

/** Shown on every dashboard page until the signed-in user's email address is verified. */
export function VerifyEmailBanner() {
  const session = useSession()
  const resend = useResendVerificationEmail()
  const user = session.data?.user
  if (!user || user.emailVerified) return null
  return (
    <section
      aria-label="Verify your email"
      className="mb-6 flex flex-wrap items-center justify-between gap-3 rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      data-testid="verify-email-banner"
    >
      <p>
        <span className="font-semibold">Verify your email.</span> We sent a link to {user.email}; open it to
        accept team invitations.{' '}
        <Link to="/Dashboard/account" className={`underline ${focusRing}`}>
          Account
        </Link>
      </p>
      <div className="flex items-center gap-3">
        {resend.isSuccess && <span role="status">Sent — check your inbox.</span>}
        {resend.isError && <span role="alert">{errorMessage(resend.error)}</span>}
        <Button variant="secondary" busy={resend.isPending} onClick={() => resend.mutate(user.email)}>
          Resend the link
        </Button>
      </div>
    </section>
  )
}
