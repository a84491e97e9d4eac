import { useAssign } from '../../../api/inbox'
import { useMembers } from '../../../api/members'
import { atLeast } from '../../../api/types'
import { ErrorNotice } from '../../../components/Feedback'
import { inlineInputClass } from '../../../components/Field'

/** Who handles the conversation: any member who can answer customers (agent and above), or nobody. */
export function AssignSelect({
  orgId,
  conversationId,
  assignedUserId,
  myUserId,
}: {
  orgId: string
  conversationId: string
  assignedUserId: string | null
  myUserId: string | undefined
}) {
  const members = useMembers(orgId)
  const assign = useAssign(orgId, conversationId)
  const candidates = (members.data ?? []).filter((m) => atLeast(m.role, 'agent'))
  return (
    <div className="flex flex-wrap items-center gap-2">
      <label htmlFor="inbox-assignee" className="text-sm font-medium text-slate-700">
        Assigned to
      </label>
      <select
        id="inbox-assignee"
        className={inlineInputClass}
        value={assignedUserId ?? ''}
        disabled={assign.isPending || members.isPending}
        onChange={(e) => assign.mutate(e.target.value || null)}
      >
        <option value="">Nobody</option>
        {candidates.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.userId === myUserId ? `Me (${m.name})` : m.name}
          </option>
        ))}
      </select>
      {assign.isError && <ErrorNotice error={assign.error} title="Not assigned" />}
    </div>
  )
}
