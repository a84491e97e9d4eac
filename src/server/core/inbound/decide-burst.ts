import type { organizations } from '../../db/schema/index.js'
import { type ChatState, type Decision, decideReply } from './decide-reply.js'

type OrganizationRow = typeof organizations.$inferSelect

/**
 * Decides the replies of one chat's messages taken together (a burst: the customer wrote them
 * within the quiet period), oldest first. Each message is decided as if alone — STOP/START, an
 * opted-out customer, a conversation the team holds, out-of-hours notices — with the chat's state
 * carried from one to the next, except that a run of messages that each call for an AI answer gets
 * one answer, on its last message (the others are `batched`): "hi" / "do you deliver" / "to
 * Remera?" is one question. A run followed by STOP is not answered at all.
 */
export function decideBurst<T extends { body: string }>(
  initial: Omit<ChatState, 'body'>,
  burst: T[],
  org: Pick<OrganizationRow, 'welcomeMessage' | 'businessHours'>,
  now: Date,
): { message: T; decision: Decision }[] {
  const state = { ...initial }
  const out: { message: T; decision: Decision }[] = []
  // The message currently holding the run's answer.
  let answering: { message: T; decision: Decision } | undefined
  for (const message of burst) {
    const decision = decideReply({ ...state, body: message.body }, org, now)
    if (decision.kind === 'open') {
      // The run's one answer carries the welcome its first message would have had.
      const welcome = answering?.decision.kind === 'open' ? answering.decision.welcome : decision.welcome
      if (answering) answering.decision = { kind: 'batched' }
      answering = { message, decision: { kind: 'open', welcome } }
      out.push(answering)
      state.welcomed = true
      continue
    }
    if (decision.kind === 'opt' && decision.optOut && answering) answering.decision = { kind: 'batched' }
    answering = undefined
    out.push({ message, decision })
    if (decision.kind === 'opt') state.optedOut = decision.optOut
    if (decision.kind === 'closed') {
      state.welcomed = true
      if (decision.notice) state.outOfHoursNoticeFor = decision.periodKey
    }
  }
  return out
}
