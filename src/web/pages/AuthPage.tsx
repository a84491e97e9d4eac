import { useQueryClient } from '@tanstack/react-query'
import { type FormEvent, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { fetchSession, sessionKey, signIn, signUp } from '../api/auth'
import { ApiError } from '../api/client'
import { Button } from '../components/Button'
import { ErrorNotice } from '../components/Feedback'
import { TextField } from '../components/Field'

/**
 * The cheap part of the server's password policy (core/account/password-policy.ts), checked as
 * the user types; the server also refuses common passwords and says so.
 */
function passwordHint(password: string, email: string): string | null {
  if (password === '') return null
  if (password.trim() === '') return 'A password cannot be only spaces.'
  if (password.length < 8) return 'Use at least 8 characters.'
  if (new Set(password.toLowerCase()).size < 4) return 'Use more than a few different characters.'
  const local = email.trim().toLowerCase().split('@')[0] ?? ''
  if (local.length >= 4 && password.toLowerCase().includes(local))
    return 'Do not use your email address in your password.'
  return null
}

export function AuthPage({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const qc = useQueryClient()
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<string | null>(null)
  const next = params.get('next')
  const target = next?.startsWith('/') && !next.startsWith('//') ? next : '/Dashboard/organizations'

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setNotice(null)
    try {
      if (mode === 'sign-up') {
        const hint = passwordHint(password, email)
        if (hint) throw new ApiError(400, 'BAD_REQUEST', hint, { reason: 'WEAK_PASSWORD' })
        const created = (await signUp({ name, email, password })) as { token?: string | null } | null
        // The server answers an address it cannot use like a new one, only without a session.
        if (!created?.token) {
          setNotice(
            'We could not create a new account with this email. If you already have one, sign in instead.',
          )
          return
        }
      } else await signIn({ email, password })
      // Invalidating would not do: no one watches the session on this page, so the query is only
      // marked stale and the guard would read the old `null` and send the user back here. Store the
      // new session before leaving.
      qc.setQueryData(sessionKey, await fetchSession())
      navigate(target, { replace: true })
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const weakPassword =
    error instanceof ApiError &&
    (error.details as { reason?: string } | undefined)?.reason === 'WEAK_PASSWORD'
      ? error.message
      : undefined
  const title = mode === 'sign-up' ? 'Create your account' : 'Sign in'
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm space-y-6 rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
        <div>
          <p className="text-sm font-semibold text-emerald-700">WhatsApp AI Assistants</p>
          <h1 className="text-2xl font-semibold">{title}</h1>
        </div>
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          {mode === 'sign-up' && (
            <TextField
              id="name"
              label="Name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              autoComplete="name"
              required
            />
          )}
          <TextField
            id="email"
            label="Email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="email"
            required
          />
          <TextField
            id="password"
            label="Password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'}
            hint={
              mode === 'sign-up'
                ? (passwordHint(password, email) ??
                  'At least 8 characters; not a common password or your email.')
                : undefined
            }
            error={weakPassword}
            required
          />
          {!weakPassword && <ErrorNotice error={error} />}
          {notice && (
            <p
              role="status"
              className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
            >
              {notice}
            </p>
          )}
          <Button type="submit" className="w-full" busy={busy}>
            {mode === 'sign-up' ? 'Sign up' : 'Sign in'}
          </Button>
        </form>
        <p className="text-center text-sm text-slate-600">
          {mode === 'sign-up' ? (
            <>
              Already have an account?{' '}
              <Link
                className="font-medium text-emerald-700 underline"
                to={`/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`}
              >
                Sign in
              </Link>
            </>
          ) : (
            <>
              New here?{' '}
              <Link
                className="font-medium text-emerald-700 underline"
                to={`/sign-up${next ? `?next=${encodeURIComponent(next)}` : ''}`}
              >
                Create an account
              </Link>
            </>
          )}
        </p>
      </div>
    </main>
  )
}
