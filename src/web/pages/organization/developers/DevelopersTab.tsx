import { useEntitlements } from '../../../api/billing'
import { atLeast, type Organization } from '../../../api/types'
import { focusRing } from '../../../components/Button'
import { ReadOnlyNote } from '../../../components/Feedback'
import { ApiKeysSection } from './ApiKeysSection'
import { WebhooksSection } from './WebhooksSection'

const link = `font-medium text-emerald-700 underline ${focusRing}`

function NewTab({ href, children }: { href: string; children: string }) {
  return (
    <a href={href} target="_blank" rel="noreferrer" className={link}>
      {children}
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  )
}

/**
 * For the organization's developers: API keys for its own software, and webhooks that tell its
 * server what happens. Owners and admins only (keys and webhook secrets give access to its data).
 */
export function DevelopersTab({ org }: { org: Organization }) {
  const { features } = useEntitlements(org)
  if (!atLeast(org.role, 'admin')) {
    return <ReadOnlyNote>Only owners and admins manage API keys and webhooks.</ReadOnlyNote>
  }
  return (
    <div className="space-y-4" data-testid="developers-tab">
      <p className="text-sm text-slate-700">
        Connect your own systems: the <NewTab href="/api/docs">API reference</NewTab> (try a key there), the{' '}
        <NewTab href="/help/developers/api">API guide</NewTab> and{' '}
        <NewTab href="/help/developers/webhooks">webhook payloads and signatures</NewTab>. Organization id:{' '}
        <code className="rounded bg-slate-100 px-1 text-xs" data-testid="org-id">
          {org.id}
        </code>
      </p>
      <ApiKeysSection orgId={org.id} allowed={features.apiAccess} />
      <WebhooksSection orgId={org.id} allowed={features.webhooks} />
    </div>
  )
}
