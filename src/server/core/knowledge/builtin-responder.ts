import { fold, OFFERS, type ReplyLanguage } from './escalation.js'
import type { RetrievedPassage } from './retrieve-passages.js'

// The responder used when no model provider is configured: it answers with the best-matching
// FAQ answer or passage, in a natural sentence, and says plainly when it does not know.

const INTROS: Record<ReplyLanguage, { passage: string; unknown: string }> = {
  en: { passage: "Here's what I can tell you:", unknown: "I'm sorry, I don't have that information." },
  fr: { passage: 'Voici ce que je peux vous dire :', unknown: "Désolé, je n'ai pas cette information." },
  es: { passage: 'Esto es lo que puedo decirle:', unknown: 'Lo siento, no tengo esa información.' },
  pt: { passage: 'Eis o que lhe posso dizer:', unknown: 'Desculpe, não tenho essa informação.' },
  de: {
    passage: 'Das kann ich Ihnen dazu sagen:',
    unknown: 'Es tut mir leid, diese Information habe ich nicht.',
  },
  it: { passage: 'Ecco cosa posso dirle:', unknown: 'Mi dispiace, non ho questa informazione.' },
}

/** Lower-cased, accent-free words of a text, with crude stems so "opens" meets "open". */
const stems = (text: string) =>
  (fold(text).match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length > 2).map((w) => w.slice(0, 5))

/** The sentences (or lines: table rows, CSV facts) of a passage that share most words with the question. */
export function bestExcerpt(content: string, message: string, maxChars = 400): string {
  const wanted = new Set(stems(message))
  const segments = content
    .split('\n')
    .flatMap((line) => (line.length > 200 ? (line.match(/[^.!?]+[.!?]*/g) ?? [line]) : [line]))
    .map((s) => s.trim())
    .filter(Boolean)
  if (content.length <= maxChars) return content.trim()
  const scored = segments.map((text, index) => ({
    text,
    index,
    score: new Set(stems(text).filter((w) => wanted.has(w))).size,
  }))
  const picked = [...scored]
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .reduce<typeof scored>((acc, s) => {
      const size = acc.reduce((n, a) => n + a.text.length + 1, 0)
      if (acc.length === 0 || (s.score > 0 && size + s.text.length <= maxChars)) acc.push(s)
      return acc
    }, [])
    .sort((a, b) => a.index - b.index)
  return picked
    .map((s) => s.text)
    .join(' ')
    .slice(0, maxChars * 2)
}

const endSentence = (s: string) => (/[.!?…)]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`)

/** A heading like "Opening hours" or "Menu › Desserts" reads as a label before the passage. */
const label = (p: RetrievedPassage) => p.heading.split(' › ').pop()?.trim() ?? ''

export function builtinAnswer(input: {
  message: string
  passages: RetrievedPassage[]
  language: ReplyLanguage
}): { text: string; used: RetrievedPassage[] } {
  const t = INTROS[input.language]
  const best = input.passages[0]
  if (!best) return { text: `${t.unknown} ${OFFERS[input.language]}`, used: [] }
  if (best.question) {
    // An FAQ answer is already written for the customer.
    return { text: endSentence(best.content), used: [best] }
  }
  const excerpt = bestExcerpt(best.content, input.message)
  const heading = label(best)
  const body = heading && !fold(excerpt).startsWith(fold(heading)) ? `${heading}: ${excerpt}` : excerpt
  return { text: `${t.passage} ${endSentence(body)}`, used: [best] }
}
