import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import { featureSimilarity, type QuestionFeatures, questionFeatures } from './question-features.js'

/** Lexical similarity (question-features.ts) from which two questions are one: 0.75 is one shared subject of two. */
export const LEXICAL_THRESHOLD = 0.6
/** Cosine similarity of unit embeddings from which two questions are one (paraphrases score ~0.8+ on current models). */
export const EMBEDDING_THRESHOLD = 0.8
/** Questions compared between two yields to the event loop. */
const SLICE = 64
/** Members of a group a new question is compared with: its first (the leader) and its latest. */
const COMPARED_MEMBERS = 8

/**
 * Groups items (oldest first) by similarity, greedily: each item joins the group it is most like
 * (its best match among the group's first and latest members at or above `threshold`, and at
 * least half of that with the group's first, so groups do not drift along a chain of small
 * steps), or starts a group. The first item of a group leads it: as later questions arrive the
 * leader stays, which keeps a group's id stable. O(n × groups) comparisons, n² / 2 at worst (every
 * question alone): callers cap n, and the work yields to the event loop every SLICE items.
 */
export async function groupBySimilarity(
  count: number,
  similarity: (i: number, j: number) => number,
  threshold: number,
): Promise<number[][]> {
  const groups: number[][] = []
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % SLICE === 0) await yieldToEventLoop()
    let best: number[] | undefined
    let bestScore = threshold
    for (const group of groups) {
      const leader = group[0] as number
      const leaderScore = similarity(i, leader)
      if (leaderScore < threshold / 2) continue
      let score = leaderScore
      for (const member of group.slice(1).slice(-(COMPARED_MEMBERS - 1))) {
        if (score >= 1) break
        score = Math.max(score, similarity(i, member))
      }
      if (score >= bestScore && (!best || score > bestScore)) {
        best = group
        bestScore = score
      }
    }
    if (best) best.push(i)
    else groups.push([i])
  }
  return groups
}

/** Groups question texts by their lexical features (no model). */
export function groupLexically(texts: string[]): Promise<number[][]> {
  const features: QuestionFeatures[] = texts.map(questionFeatures)
  return groupBySimilarity(
    texts.length,
    (i, j) => featureSimilarity(features[i] as QuestionFeatures, features[j] as QuestionFeatures),
    LEXICAL_THRESHOLD,
  )
}

/** Groups by the cosine similarity of unit vectors (embed-texts.ts answers unit vectors: a dot product). */
export function groupByVectors(vectors: number[][]): Promise<number[][]> {
  const dot = (a: number[], b: number[]) => {
    let sum = 0
    for (let k = 0; k < a.length; k++) sum += (a[k] as number) * (b[k] as number)
    return sum
  }
  return groupBySimilarity(
    vectors.length,
    (i, j) => dot(vectors[i] as number[], vectors[j] as number[]),
    EMBEDDING_THRESHOLD,
  )
}
