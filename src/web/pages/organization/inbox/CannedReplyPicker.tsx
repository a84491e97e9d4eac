import { useCannedReplies } from '../../../api/inbox'
import { inlineInputClass } from '../../../components/Field'

/** A list of the team's canned replies: choosing one hands its text to the reply box (to edit before sending). */
export function CannedReplyPicker({ orgId, onPick }: { orgId: string; onPick: (body: string) => void }) {
  const canned = useCannedReplies(orgId)
  const replies = canned.data ?? []
  if (canned.isSuccess && replies.length === 0) return null
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="canned-pick" className="text-sm text-slate-700">
        Canned reply
      </label>
      <select
        id="canned-pick"
        className={inlineInputClass}
        value=""
        disabled={!canned.isSuccess}
        onChange={(e) => {
          const picked = replies.find((r) => r.id === e.target.value)
          if (picked) onPick(picked.body)
        }}
      >
        <option value="">Insert…</option>
        {replies.map((r) => (
          <option key={r.id} value={r.id}>
            {r.title}
          </option>
        ))}
      </select>
    </div>
  )
}
