import type { ReactNode } from 'react'
import { Navigate, useLocation } from 'react-router-dom'
import { useSession } from '../api/auth'
import { ErrorNotice, LoadingBlock } from './Feedback'

export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession()
  const location = useLocation()
  if (session.isPending) {
    return (
      <div className="p-8">
        <LoadingBlock label="Checking your session…" />
      </div>
    )
  }
  if (session.isError) {
    return (
      <div className="p-8">
        <ErrorNotice error={session.error} title="Could not check your session" />
      </div>
    )
  }
  if (!session.data) {
    const next = encodeURIComponent(location.pathname + location.search)
    return <Navigate to={`/sign-in?next=${next}`} replace />
  }
  return <>{children}</>
}
