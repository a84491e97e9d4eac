import { type FormEvent, useState } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router-dom'
import { useQueryClient } from '@tanstack/react-query'
import { sessionKey, signIn, signUp } from '../api/auth'
import { Button } from '../components/Button'
import { ErrorNotice } from '../components/Feedback'
import { TextField } from '../components/Field'

export function AuthPage({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const [params] = useSearchParams()
  const navigate = useNavigate()
  const qc = useQueryClient()
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const next = params.get('next')
  const target = next?.startsWith('/') && !next.startsWith('//') ? next : '/Dashboard/organizations'

  async function onSubmit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      if (mode === 'sign-up') await signUp({ name, email, password })
      else await signIn({ email, password })
      await qc.invalidateQueries({ queryKey: sessionKey })
      navigate(target, { replace: true })
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

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
            <TextField id="name" label="Name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" required />
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
            hint={mode === 'sign-up' ? 'At least 8 characters.' : undefined}
            required
          />
          <ErrorNotice error={error} />
          <Button type="submit" className="w-full" busy={busy}>
            {mode === 'sign-up' ? 'Sign up' : 'Sign in'}
          </Button>
        </form>
        <p className="text-center text-sm text-slate-600">
          {mode === 'sign-up' ? (
            <>
              Already have an account?{' '}
              <Link className="font-medium text-emerald-700 underline" to={`/sign-in${next ? `?next=${encodeURIComponent(next)}` : ''}`}>
                Sign in
              </Link>
            </>
          ) : (
            <>
              New here?{' '}
              <Link className="font-medium text-emerald-700 underline" to={`/sign-up${next ? `?next=${encodeURIComponent(next)}` : ''}`}>
                Create an account
              </Link>
            </>
          )}
        </p>
      </div>
    </main>
  )
}
