import type { conversationNotes } from '../../db/schema/index.js'

type NoteRow = typeof conversationNotes.$inferSelect

export const noteView = (n: NoteRow, author: { id: string; name: string } | null) => ({
  id: n.id,
  body: n.body,
  author: author ? { userId: author.id, name: author.name } : null,
  createdAt: n.createdAt.toISOString(),
})

export type NoteView = ReturnType<typeof noteView>
