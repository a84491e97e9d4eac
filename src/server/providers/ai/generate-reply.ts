import { APICallError, generateText, type LanguageModel, type ModelMessage, RetryError } from 'ai'

/**
 * The model provider failed: it timed out, answered an error after the retries, or answered
 * something unreadable. `retryAfter` (seconds) is the provider's own hint when it gave one.
 */
export class ModelProviderError extends Error {
  constructor(
    message: string,
    readonly retryAfter: number,
    /** The provider's HTTP status, when it answered at all. */
    readonly statusCode?: number | null,
  ) {
    super(message)
    this.name = 'ModelProviderError'
  }
}

export interface GeneratedReply {
  text: string
  tokensIn: number | null
  tokensOut: number | null
  latencyMs: number
}

export interface GenerateReplyOptions {
  model: LanguageModel
  system: string
  messages: ModelMessage[]
  /** Whole call, retries included. */
  timeoutMs?: number
  /** Extra attempts on 429 and 5xx (the SDK backs off exponentially and honours Retry-After). */
  maxRetries?: number
  maxOutputTokens?: number
  temperature?: number
}

/**
 * One completion through the AI SDK. Any provider failure (time-out, 4xx/5xx after retries,
 * malformed response) becomes a ModelProviderError.
 */
export async function generateReply(opts: GenerateReplyOptions): Promise<GeneratedReply> {
  const started = performance.now()
  try {
    const result = await generateText({
      model: opts.model,
      system: opts.system,
      messages: opts.messages,
      maxRetries: opts.maxRetries ?? 2,
      timeout: opts.timeoutMs ?? 30_000,
      maxOutputTokens: opts.maxOutputTokens ?? 600,
      temperature: opts.temperature ?? 0.2,
    })
    return {
      text: result.text,
      tokensIn: result.usage.inputTokens ?? null,
      tokensOut: result.usage.outputTokens ?? null,
      latencyMs: Math.round(performance.now() - started),
    }
  } catch (err) {
    throw toModelProviderError(err)
  }
}

function toModelProviderError(err: unknown): ModelProviderError {
  const last = RetryError.isInstance(err) ? err.lastError : err
  if (APICallError.isInstance(last)) {
    const retryAfter = Number(last.responseHeaders?.['retry-after'])
    return new ModelProviderError(
      `The model provider answered ${last.statusCode ?? 'with an error'}: ${last.message}`.slice(0, 500),
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 30,
      last.statusCode ?? null,
    )
  }
  const message = last instanceof Error ? last.message : String(last)
  const timedOut = last instanceof Error && (last.name === 'AbortError' || last.name === 'TimeoutError')
  return new ModelProviderError(
    timedOut
      ? 'The model provider did not answer in time'
      : `The model provider failed: ${message}`.slice(0, 500),
    30,
  )
}
