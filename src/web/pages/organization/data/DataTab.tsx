import type { Organization } from '../../../api/types'
import { AuditLogSection } from './AuditLogSection'
import { CustomerDataSection } from './CustomerDataSection'
import { ExportsSection } from './ExportsSection'
import { RetentionSection } from './RetentionSection'

/**
 * What the organization holds and who did what with it: exports, one customer's data (access and
 * erasure), how long messages are kept, and the audit log. Owners and admins only (the tab is
 * hidden from the others, and the routes answer them 403).
 */
export function DataTab({ org }: { org: Organization }) {
  return (
    <div className="space-y-6">
      <ExportsSection org={org} />
      <CustomerDataSection org={org} />
      <RetentionSection org={org} />
      <AuditLogSection org={org} />
    </div>
  )
}
