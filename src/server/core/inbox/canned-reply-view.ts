import type { cannedReplies } from '../../db/schema/index.js'

type CannedReplyRow = typeof cannedReplies.$inferSelect

export const cannedReplyView = (r: CannedReplyRow) => ({
  id: r.id,
  title: r.title,
  body: r.body,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
})

export type CannedReplyView = ReturnType<typeof cannedReplyView>
