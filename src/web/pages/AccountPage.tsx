import { useState } from 'react'
import { useSearchParams } from 'react-router-dom'
import {
  useAccount,
  useRequestPhoneCode,
  useResendVerificationEmail,
  useUnlinkPhone,
  useVerifyPhone,
} from '../api/account'
import { ApiError } from '../api/client'
import type { Account, PhoneCodeSent } from '../api/types'
import { Button } from '../components/Button'
import { Card, ErrorNotice, LoadingBlock, SuccessNotice } from '../components/Feedback'
import { TextField } from '../components/Field'
import { formatPhone } from '../components/format'
import { YourDataSection } from './account/YourDataSection'

function EmailSection({ account }: { account: Account }) {
  const resend = useResendVerificationEmail()
  const [params] = useSearchParams()
  return (
    <Card title="Email address">
      <div className="space-y-3 text-sm" data-testid="account-email">
        <p>
          <span className="font-medium">{account.email}</span>{' '}
          {account.emailVerified ? (
            <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">
              verified
            </span>
          ) : (
            <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800">
              not verified
            </span>
          )}
        </p>
        {account.emailVerified && params.get('verified') === '1' && (
          <SuccessNotice>Thank you: your email address is verified.</SuccessNotice>
        )}
        {!account.emailVerified && (
          <>
            <p className="text-slate-600">
              Open the link we emailed you to verify this address. Until then you cannot accept invitations to
              a team.
            </p>
            <Button variant="secondary" busy={resend.isPending} onClick={() => resend.mutate(account.email)}>
              Send the link again
            </Button>
            {resend.isSuccess && <SuccessNotice>A new link is on its way to {account.email}.</SuccessNotice>}
            {resend.isError && <ErrorNotice error={resend.error} title="The link was not sent" />}
          </>
        )}
      </div>
    </Card>
  )
}

/** Step 1: the number; step 2: the code it received. */
function LinkPhoneForm({ account }: { account: Account }) {
  const request = useRequestPhoneCode()
  const verify = useVerifyPhone()
  const [phone, setPhone] = useState('')
  const [code, setCode] = useState('')
  const [sent, setSent] = useState<PhoneCodeSent | null>(null)
  const requestErr = request.error instanceof ApiError ? request.error : null
  const verifyErr = verify.error instanceof ApiError ? verify.error : null

  if (!sent) {
    return (
      <form
        className="space-y-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault()
          request.mutate(phone.trim(), { onSuccess: (s) => setSent(s) })
        }}
      >
        <TextField
          id="link-phone"
          label="Your WhatsApp number"
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          placeholder="+250788123456"
          value={phone}
          onChange={(e) => setPhone(e.target.value)}
          error={requestErr?.fieldError('phone')}
          hint={`In international format. We send a 6-digit code to it by WhatsApp from ${account.sharedNumber}.`}
        />
        <Button type="submit" busy={request.isPending}>
          Send code
        </Button>
        {/* A malformed number is shown at the field; anything else (refused, throttled, provider down) here. */}
        {request.isError && requestErr?.message !== 'Invalid input' && (
          <ErrorNotice error={request.error} title="No code was sent" />
        )}
      </form>
    )
  }

  return (
    <form
      className="space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        verify.mutate({ phone: sent.phone, code: code.trim() }, { onSuccess: () => setSent(null) })
      }}
    >
      <p className="text-sm text-slate-600" role="status">
        We sent a code by WhatsApp to{' '}
        <span className="font-medium">{formatPhone(sent.phone, 'international')}</span>. It works for 10
        minutes.
      </p>
      {sent.sandboxMessage && (
        <div
          className="rounded-md border border-sky-200 bg-sky-50 px-3 py-2 text-sm text-sky-900"
          data-testid="sandbox-code"
        >
          <p className="font-medium">
            Sandbox mode: no WhatsApp message leaves the platform. The number would have received:
          </p>
          <p className="mt-1 font-mono">{sent.sandboxMessage}</p>
        </div>
      )}
      <TextField
        id="phone-code"
        label="Code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={verifyErr?.fieldError('code') ? verifyErr.message : undefined}
      />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" busy={verify.isPending}>
          Link number
        </Button>
        <Button
          variant="secondary"
          busy={request.isPending}
          onClick={() => request.mutate(sent.phone, { onSuccess: (s) => setSent(s) })}
        >
          Send a new code
        </Button>
        <Button
          variant="ghost"
          onClick={() => {
            setSent(null)
            setCode('')
            verify.reset()
            request.reset()
          }}
        >
          Use another number
        </Button>
      </div>
      {verify.isError && !verifyErr?.fieldError('code') && (
        <ErrorNotice error={verify.error} title="Not linked" />
      )}
      {request.isError && <ErrorNotice error={request.error} title="No new code was sent" />}
    </form>
  )
}

function PhoneSection({ account }: { account: Account }) {
  const unlink = useUnlinkPhone()
  return (
    <Card title="Your WhatsApp number">
      <div className="space-y-3 text-sm" data-testid="account-phone">
        {!account.sharedNumber ? (
          <p className="text-slate-600">
            This platform has no shared WhatsApp number (TWILIO_PHONE_NUMBER), so there is nothing to link a
            number to.
          </p>
        ) : account.phone ? (
          <>
            <p>
              <span className="font-medium">{formatPhone(account.phone, 'international')}</span> is linked to
              your account. Messages from it to{' '}
              <span className="font-medium">{formatPhone(account.sharedNumber, 'international')}</span> are
              answered from your personal knowledge base.
            </p>
            <Button variant="secondary" busy={unlink.isPending} onClick={() => unlink.mutate()}>
              Unlink this number
            </Button>
            {unlink.isError && <ErrorNotice error={unlink.error} title="Not unlinked" />}
          </>
        ) : (
          <>
            <p className="text-slate-600">
              Link your own WhatsApp number to chat with your personal assistant at{' '}
              <span className="font-mono">{account.sharedNumber}</span>. We check that the number is yours
              with a one-time code.
            </p>
            <LinkPhoneForm account={account} />
          </>
        )}
      </div>
    </Card>
  )
}

export function AccountPage() {
  const account = useAccount()
  return (
    <div className="max-w-2xl space-y-6">
      <h1 className="text-2xl font-semibold">Account</h1>
      {account.isPending && <LoadingBlock label="Loading your account…" />}
      {account.isError && <ErrorNotice error={account.error} title="Could not load your account" />}
      {account.data && (
        <>
          <EmailSection account={account.data} />
          <PhoneSection account={account.data} />
          <YourDataSection account={account.data} />
        </>
      )}
    </div>
  )
}
