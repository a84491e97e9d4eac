import { createOpenAI } from '@ai-sdk/openai'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { APICallError, type EmbeddingModel, embed, embedMany, RetryError } from 'ai'
import type { Config } from '../../config.js'

/** The configured embedding model, and its label (`provider:model`), recorded with the vectors it made. */
export interface Embedder {
  model: EmbeddingModel
  label: string
}

/** The embedding model of this deployment (AI_EMBEDDING_MODEL), or undefined: full-text search alone. */
export function embedderFor(config: Config): Embedder | undefined {
  const wanted = config.ai.embedding
  if (!wanted) return undefined
  const label = `${wanted.provider}:${wanted.modelId}`
  if (wanted.provider === 'openai') {
    const c = config.ai.openai
    if (!c) return undefined
    return {
      model: createOpenAI({ apiKey: c.apiKey, baseURL: c.baseURL }).embeddingModel(wanted.modelId),
      label,
    }
  }
  const c = config.ai.compatible
  if (!c) return undefined
  return {
    model: createOpenAICompatible({
      name: 'compatible',
      baseURL: c.baseURL,
      apiKey: c.apiKey,
    }).embeddingModel(wanted.modelId),
    label,
  }
}

/** The embedding provider failed (after its retries) or answered vectors that cannot be used. */
export class EmbeddingError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'EmbeddingError'
  }
}

/** Texts per request: small enough for any server's limits, few enough requests for thousands of passages. */
export const EMBEDDING_BATCH = 64

/**
 * Unit vectors for the texts, in order, one request per EMBEDDING_BATCH texts; retries 429 and
 * 5xx like chat calls, and each request must answer within `timeoutMs`. Unit length makes a dot
 * product the cosine similarity.
 */
export async function embedTexts(
  embedder: Embedder,
  texts: string[],
  opts: { timeoutMs?: number; maxRetries?: number } = {},
): Promise<number[][]> {
  const vectors: number[][] = []
  for (let i = 0; i < texts.length; i += EMBEDDING_BATCH) {
    const values = texts.slice(i, i + EMBEDDING_BATCH)
    try {
      const result = await embedMany({
        model: embedder.model,
        values,
        maxRetries: opts.maxRetries ?? 2,
        maxParallelCalls: 1,
        abortSignal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
      })
      if (result.embeddings.length !== values.length) {
        throw new EmbeddingError(`expected ${values.length} embeddings, got ${result.embeddings.length}`)
      }
      vectors.push(...result.embeddings.map(unit))
    } catch (err) {
      throw toEmbeddingError(err)
    }
  }
  const dimensions = vectors[0]?.length
  if (vectors.some((v) => v.length !== dimensions)) {
    throw new EmbeddingError('the embedding model answered vectors of different lengths')
  }
  return vectors
}

/** One text's unit vector; a short time-out, for a customer waiting for the answer. */
export async function embedQuery(embedder: Embedder, text: string, timeoutMs = 10_000): Promise<number[]> {
  try {
    const result = await embed({
      model: embedder.model,
      value: text,
      maxRetries: 1,
      abortSignal: AbortSignal.timeout(timeoutMs),
    })
    return unit(result.embedding)
  } catch (err) {
    throw toEmbeddingError(err)
  }
}

function unit(vector: number[]): number[] {
  if (vector.length === 0 || vector.some((x) => !Number.isFinite(x))) {
    throw new EmbeddingError('the embedding model answered an empty or invalid vector')
  }
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0))
  return norm > 0 ? vector.map((x) => x / norm) : vector
}

function toEmbeddingError(err: unknown): EmbeddingError {
  if (err instanceof EmbeddingError) return err
  const last = RetryError.isInstance(err) ? err.lastError : err
  if (APICallError.isInstance(last)) {
    return new EmbeddingError(
      `The embedding model answered ${last.statusCode ?? 'with an error'}: ${last.message}`.slice(0, 500),
    )
  }
  const timedOut = last instanceof Error && (last.name === 'AbortError' || last.name === 'TimeoutError')
  const message = last instanceof Error ? last.message : String(last)
  return new EmbeddingError(
    timedOut
      ? 'The embedding model did not answer in time'
      : `The embedding model failed: ${message}`.slice(0, 500),
  )
}
