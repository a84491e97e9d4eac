import type { ActorCtx } from '../context.js'
import { authorizeOrganization } from '../members/permissions.js'
import type { LiveEvent } from './live-hub.js'

/** Events a slow reader may fall behind by; past it they are replaced by one `ready` (refetch all). */
const MAX_QUEUED = 500

export interface LiveWatch {
  /**
   * The events that arrived since the last call, waiting up to `waitMs` for the first one: an
   * empty list when none came in time, null once the watch is closed.
   */
  next(waitMs: number): Promise<LiveEvent[] | null>
  close(): void
}

/**
 * Follows the changes of an organization's conversations for one open dashboard (any member;
 * people only). Subscribes at once, so nothing between this call and the first `next` is lost.
 */
export async function watchOrganization({
  ctx,
  input,
}: {
  ctx: ActorCtx
  input: { organizationId: string }
}): Promise<LiveWatch> {
  await authorizeOrganization(ctx, input.organizationId, 'dashboard:read')
  let queue: LiveEvent[] = []
  let closed = false
  let wake: (() => void) | undefined
  const notify = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  const subscription = ctx.live.subscribe(
    input.organizationId,
    (event) => {
      if (queue.length >= MAX_QUEUED) queue = [{ kind: 'ready' }]
      else queue.push(event)
      notify()
    },
    () => {
      closed = true
      notify()
    },
  )
  return {
    async next(waitMs) {
      if (!closed && queue.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            wake = undefined
            resolve()
          }, waitMs)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
      if (closed) return null
      const events = queue
      queue = []
      return events
    },
    close() {
      if (closed) return
      closed = true
      subscription.close()
      notify()
    },
  }
}
