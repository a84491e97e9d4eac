import { and, eq, sql } from 'drizzle-orm'
import type { AttentionReason } from '../../../shared/enums.js'
import type { Tx } from '../../db/client.js'
import { conversations } from '../../db/schema/index.js'
import type { JobQueue } from '../context.js'

/**
 * A conversation needs a person: the customer asked for one, the assistant could not help, the
 * monthly limit was reached, or a message could not be sent. Sets the flag and the reason, starts
 * an episode (kept when one is already running: the same need is not notified twice) and queues
 * the notifications of the team, in the caller's transaction. Simulated conversations notify nobody.
 */
export async function markNeedsAttention(
  tx: Tx,
  jobs: Pick<JobQueue, 'send'>,
  input: { organizationId: string; conversationId: string; reason: AttentionReason; notify?: boolean },
) {
  const [row] = await tx
    .update(conversations)
    .set({
      needsAttention: true,
      attentionReason: input.reason,
      attentionSince: sql`coalesce(${conversations.attentionSince}, now())`,
      resolvedAt: null,
      updatedAt: sql`now()`,
    })
    .where(
      and(eq(conversations.id, input.conversationId), eq(conversations.organizationId, input.organizationId)),
    )
    .returning({ episode: conversations.attentionSince })
  if (!row?.episode || input.notify === false) return
  await queueAttentionNotice(tx, jobs, { ...input, episode: row.episode })
}

/**
 * Queues the notifications of one episode (in `tx`). For callers that start episodes in bulk SQL
 * (the inbound batch, a failed send); the notification rows are unique per episode, so a repeated
 * call notifies nobody twice.
 */
export async function queueAttentionNotice(
  tx: Tx,
  jobs: Pick<JobQueue, 'send'>,
  input: { organizationId: string; conversationId: string; episode: Date | string },
) {
  const episode = new Date(input.episode).toISOString()
  await jobs.send(
    'notifications.attention',
    { organizationId: input.organizationId, conversationId: input.conversationId, episode },
    { tx, singletonKey: `${input.conversationId}:${episode}` },
  )
}

/** A person handled it (took over, replied, resolved): the episode ends; a later need starts a new one. */
export async function clearAttention(tx: Tx, input: { organizationId: string; conversationId: string }) {
  await tx
    .update(conversations)
    .set({ needsAttention: false, attentionSince: null, updatedAt: sql`now()` })
    .where(
      and(eq(conversations.id, input.conversationId), eq(conversations.organizationId, input.organizationId)),
    )
}
