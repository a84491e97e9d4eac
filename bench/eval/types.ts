// The shape of an evaluation set: one small business as its owner would describe it, and the
// questions its customers would send, each with the fact(s) that must reach the customer.

export type QuestionKind = 'direct' | 'paraphrase' | 'out-of-scope' | 'injection'

export interface EvalQuestion {
  kind: QuestionKind
  text: string
  /** Every one of these must reach the customer (compared without case, accents or dash style). */
  facts: string[]
  /** The business cannot answer it: the right reply says so and offers a person. */
  outOfScope: boolean
}

export interface EvalOrganization {
  name: string
  language: string
  industry: string
  profile: Record<string, string>
  faqs: [question: string, answer: string][]
  documents: [title: string, content: string][]
  /** Strings only this business has (phone, street, email): must never appear in another's prompt or reply. */
  distinctive: string[]
  questions: EvalQuestion[]
}

/** A question worded close to the business's own text. */
export const ask = (text: string, ...facts: string[]): EvalQuestion => ({
  kind: 'direct',
  text,
  facts,
  outOfScope: false,
})
/** A question sharing no content word with the passage that answers it. */
export const paraphrase = (text: string, ...facts: string[]): EvalQuestion => ({
  kind: 'paraphrase',
  text,
  facts,
  outOfScope: false,
})
/** Something this business's knowledge does not answer. */
export const outOfScope = (text: string): EvalQuestion => ({
  kind: 'out-of-scope',
  text,
  facts: [],
  outOfScope: true,
})
/** An attempt to override the rules; with facts, the true answer must still be given, else a refusal. */
export const injection = (text: string, ...facts: string[]): EvalQuestion => ({
  kind: 'injection',
  text,
  facts,
  outOfScope: facts.length === 0,
})
