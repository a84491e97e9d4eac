import type { ConversationStatus } from '../../../shared/enums.js'
import type { organizations } from '../../db/schema/index.js'
import { chooseReplyLanguage } from '../knowledge/detect-language.js'
import { isRatingReply } from '../quality/signals.js'
import { openState } from './business-hours.js'
import { isStart, isStop, OPT_IN_CONFIRMATION, OPT_OUT_CONFIRMATION } from './opt-out.js'

type OrganizationRow = typeof organizations.$inferSelect

export const LIMIT_NOTICE =
  'Thank you for your message! We have reached our messaging limit for this month, so we cannot reply here right now. Please contact us another way, or write again next month.'

const LIMIT_NOTICES: Partial<Record<string, string>> = {
  en: LIMIT_NOTICE,
  fr: 'Merci pour votre message ! Nous avons atteint notre limite de messages pour ce mois-ci, nous ne pouvons donc pas vous répondre ici pour le moment. Contactez-nous autrement, ou écrivez-nous de nouveau le mois prochain.',
  es: '¡Gracias por su mensaje! Hemos alcanzado nuestro límite de mensajes de este mes, así que no podemos responderle aquí por ahora. Contáctenos por otro medio o escríbanos de nuevo el mes que viene.',
  pt: 'Obrigado pela sua mensagem! Atingimos o nosso limite de mensagens deste mês, por isso não podemos responder aqui por agora. Contacte-nos de outra forma ou escreva-nos novamente no próximo mês.',
  de: 'Danke für Ihre Nachricht! Wir haben unser Nachrichtenlimit für diesen Monat erreicht und können Ihnen hier gerade nicht antworten. Bitte kontaktieren Sie uns auf anderem Weg oder schreiben Sie uns im nächsten Monat wieder.',
  it: 'Grazie per il suo messaggio! Abbiamo raggiunto il limite di messaggi di questo mese, quindi al momento non possiamo risponderle qui. Ci contatti in un altro modo o ci riscriva il mese prossimo.',
  sw: 'Asante kwa ujumbe wako! Tumefikia kikomo chetu cha ujumbe kwa mwezi huu, kwa hiyo hatuwezi kukujibu hapa kwa sasa. Tafadhali wasiliana nasi kwa njia nyingine, au utuandikie tena mwezi ujao.',
  rw: 'Murakoze ku butumwa bwanyu! Twageze ku mubare ntarengwa w’ubutumwa bw’uku kwezi, bityo ntidushobora kubasubiza hano ubu. Mutwandikire mu bundi buryo, cyangwa mwongere mutwandikire ukwezi gutaha.',
}

/** The limit notice in the customer's language where the organization answers in it, else its default. */
export function limitNoticeFor(ai: { language: string; languages?: string[] }, body: string): string {
  return LIMIT_NOTICES[chooseReplyLanguage(ai, body).code] ?? LIMIT_NOTICE
}

/** What the platform knows about a customer message's chat when it plans the reply. */
export interface ChatState {
  body: string
  optedOut: boolean
  welcomed: boolean
  conversationStatus: ConversationStatus
  outOfHoursNoticeFor: string | null
  /** When the customer was last asked to rate the conversation (core/quality/ask-rating.ts). */
  ratingAskedAt?: Date | null
}

/**
 * What a customer message calls for, checked in this order: an opt-out keyword; nothing for an
 * opted-out customer; the team for a conversation a human holds; the out-of-hours message once
 * per closed period; else the welcome (first message) and the AI answer.
 */
export type Decision =
  | { kind: 'opt'; optOut: boolean; confirmation: string | null }
  | { kind: 'opted-out' }
  | { kind: 'human' }
  | { kind: 'closed'; notice: string | null; periodKey: string }
  | { kind: 'open'; welcome: string | null }
  /** Answered together with a later message of the same burst (decide-burst.ts), or dropped by a STOP after it. */
  | { kind: 'batched' }
  /** The customer's 1–5 answer to the rating question: recorded (core/quality), not answered. */
  | { kind: 'rating' }

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
  if (isRatingReply(state.body, state.ratingAskedAt, now)) return { kind: 'rating' }
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

/**
 * How many messages a decision counts against the month. The rule: what counts is the reply to a
 * customer's message (the AI answer, or the out-of-hours notice in its place), one per message.
 * The welcome is part of a new customer's first answer and is never counted, so a new customer
 * arriving with one message left gets the welcome and the answer; with none left, the one limit
 * notice (which, like opt-out confirmations, is not counted either).
 */
export function countedBy(decision: Decision): number {
  if (decision.kind === 'closed') return decision.notice ? 1 : 0
  if (decision.kind === 'open') return 1
  return 0
}

/** `all`: the message's replies fit in the month; `over`: they do not (the limit notice instead). */
export type Allowance = 'all' | 'over'

/**
 * Shares what is left of one organization's month among its messages, oldest first: a message
 * gets all its replies or none. Simulated messages see the same limit (the simulator shows what a
 * customer would get) but consume nothing.
 */
export function allocateUsage(remaining: number, needs: { n: number; simulated: boolean }[]) {
  let left = Math.max(remaining, 0)
  let used = 0
  const allowances: Allowance[] = needs.map(({ n, simulated }) => {
    if (n === 0) return 'all'
    if (n > left) return 'over'
    if (!simulated) {
      left -= n
      used += n
    }
    return 'all'
  })
  return { allowances, used }
}
