import type { organizations } from '../../db/schema/index.js'
import { openState } from './business-hours.js'
import { isStart, isStop, OPT_IN_CONFIRMATION, OPT_OUT_CONFIRMATION } from './opt-out.js'

type OrganizationRow = typeof organizations.$inferSelect

export const LIMIT_NOTICE =
  'Thank you for your message! We have reached our messaging limit for this month, so we cannot reply here right now. Please contact us another way, or write again next month.'

/** What the platform knows about a customer message's chat when it plans the reply. */
export interface ChatState {
  body: string
  optedOut: boolean
  welcomed: boolean
  conversationStatus: 'ai' | 'human' | 'closed'
  outOfHoursNoticeFor: string | null
}

/**
 * What a customer message calls for (SPEC §6, in order): an opt-out keyword; nothing for an
 * opted-out customer; the team for a conversation a human holds; the out-of-hours message once
 * per closed period; else the welcome (first message) and the AI answer.
 */
export type Decision =
  | { kind: 'opt'; optOut: boolean; confirmation: string | null }
  | { kind: 'opted-out' }
  | { kind: 'human' }
  | { kind: 'closed'; notice: string | null; periodKey: string }
  | { kind: 'open'; welcome: string | null }

export function decideReply(
  state: ChatState,
  org: Pick<OrganizationRow, 'welcomeMessage' | 'businessHours'>,
  now: Date,
): Decision {
  const stop = isStop(state.body)
  if (stop || isStart(state.body)) {
    const changed = state.optedOut !== stop
    return {
      kind: 'opt',
      optOut: stop,
      confirmation: changed ? (stop ? OPT_OUT_CONFIRMATION : OPT_IN_CONFIRMATION) : null,
    }
  }
  if (state.optedOut) return { kind: 'opted-out' }
  if (state.conversationStatus === 'human') return { kind: 'human' }
  const hours = openState(org.businessHours, now)
  if (!hours.open) {
    const told = state.outOfHoursNoticeFor === hours.periodKey
    return {
      kind: 'closed',
      notice: told ? null : org.businessHours.outOfHoursMessage,
      periodKey: hours.periodKey,
    }
  }
  const welcome = !state.welcomed && org.welcomeMessage.trim() !== '' ? org.welcomeMessage : null
  return { kind: 'open', welcome }
}

/** How many messages a decision would count against the month (welcome, out-of-hours, AI answer). */
export function countedBy(decision: Decision): number {
  if (decision.kind === 'closed') return decision.notice ? 1 : 0
  if (decision.kind === 'open') return decision.welcome ? 2 : 1
  return 0
}

/** `all`: everything fits; `no-welcome`: the answer fits without the welcome; `over`: nothing fits. */
export type Allowance = 'all' | 'no-welcome' | 'over'

/**
 * Shares what is left of one organization's month among its messages, oldest first: a message
 * gets all it needs, or its answer without the welcome, or nothing. Simulated messages see the
 * same limit (the simulator shows what a customer would get) but consume nothing.
 */
export function allocateUsage(
  remaining: number,
  needs: { n: number; hasWelcome: boolean; simulated: boolean }[],
) {
  let left = Math.max(remaining, 0)
  let used = 0
  const allowances: Allowance[] = needs.map(({ n, hasWelcome, simulated }) => {
    if (n === 0) return 'all'
    let allowance: Allowance = 'over'
    let take = 0
    if (n <= left) {
      allowance = 'all'
      take = n
    } else if (hasWelcome && n - 1 >= 1 && n - 1 <= left) {
      allowance = 'no-welcome'
      take = n - 1
    }
    if (!simulated) {
      left -= take
      used += take
    }
    return allowance
  })
  return { allowances, used }
}
