import { Link } from 'react-router-dom'

export function NotFoundPage() {
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-semibold">Page not found</h1>
      <p className="text-slate-600">There is nothing at this address.</p>
      <Link to="/Dashboard/organizations" className="font-medium text-emerald-700 underline">
        Back to your organizations
      </Link>
    </div>
  )
}
