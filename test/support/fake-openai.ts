import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// A local server speaking OpenAI's Chat Completions wire format (what DeepSeek and every
// OpenAI-compatible provider speak), for tests that go through the real AI SDK providers, and
// OpenAI's embeddings endpoint (POST /v1/embeddings).

export interface RecordedRequest {
  path: string
  headers: IncomingMessage['headers']
  body: {
    model: string
    stream?: boolean
    messages: { role: string; content: string | { type: string; text?: string }[] }[]
    [key: string]: unknown
  }
}

export type ScriptedReply =
  | { text: string; promptTokens?: number; completionTokens?: number; delayMs?: number }
  | { status: number; message?: string; headers?: Record<string, string> }

export interface FakeOpenAI {
  /** Base URL without /v1 (DeepSeek style); `${url}/v1` for OpenAI style. */
  url: string
  requests: RecordedRequest[]
  /** Replies used in order, one per request; when empty, `fallback` answers. */
  script(...replies: ScriptedReply[]): void
  /** Answers requests when the script is empty (default: echoes a fixed text). */
  fallback: (req: RecordedRequest) => ScriptedReply
  /** Requests to the embeddings endpoint (not in `requests`, which are chat requests). */
  embeddingRequests: EmbeddingRequest[]
  /** When set, the embeddings endpoint answers this HTTP status (an error) instead of vectors. */
  embeddingFailure?: number
  close(): Promise<void>
}

/** The text of a recorded message, whatever its content shape. */
export const messageText = (m: RecordedRequest['body']['messages'][number]) =>
  typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join('')

export interface EmbeddingRequest {
  model: string
  input: string | string[]
  encoding_format?: string
}

/**
 * A fake embedding model, deterministic: a text becomes the normalised bag of its words' concepts,
 * each hashed onto one of EMBEDDING_DIMENSIONS dimensions. Words of one line of the synonym table
 * share a concept, so a paraphrase ("kids" for "children", "booking" for "reservation") lands near
 * the passage it paraphrases, as it would with a real model; any other word is its own concept.
 * It is not a language model, only enough of one to test retrieval against a wire-true server.
 */
export const EMBEDDING_DIMENSIONS = 256
const CONCEPTS: string[][] = [
  ['child', 'children', 'kid', 'kids', 'toddler', 'toddlers', 'little', 'ones', 'enfant', 'enfants'],
  ['cancel', 'cancelled', 'canceled', 'cancellation', 'cancelling', 'call', 'off', 'annuler', 'annulation'],
  ['reservation', 'reservations', 'booking', 'bookings', 'book', 'reserve', 'table'],
  ['closing', 'close', 'closes', 'late', 'night', 'evening'],
  ['price', 'prices', 'cost', 'costs', 'pay', 'charge', 'fee', 'cheap', 'cheaper', 'less', 'half'],
  ['dog', 'dogs', 'pet', 'pets', 'animal', 'animals', 'puppy'],
]
const STOP_WORDS = new Set(
  'a an the do does did i my me we you your our is are be can could to of for on in at and or with up what how'.split(
    ' ',
  ),
)
const conceptOf = new Map(CONCEPTS.flatMap((words) => words.map((w) => [w, words[0] ?? w] as const)))

export function fakeEmbedding(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0)
  for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
    if (STOP_WORDS.has(word)) continue
    const concept = conceptOf.get(word) ?? word
    let hash = 2166136261
    for (const ch of concept) hash = Math.imul(hash ^ (ch.codePointAt(0) ?? 0), 16777619)
    const d = (hash >>> 0) % EMBEDDING_DIMENSIONS
    vector[d] = (vector[d] ?? 0) + 1
  }
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0)) || 1
  return vector.map((x) => x / norm)
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: ScriptedReply[] = []
  const fake: FakeOpenAI = {
    url: '',
    requests: [],
    script: (...replies) => queue.push(...replies),
    fallback: () => ({ text: 'Hello from the fake model.' }),
    embeddingRequests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const path = (req.url ?? '').split('?')[0] ?? ''
    if (req.method === 'POST' && /^(\/v1)?\/embeddings$/.test(path)) {
      answerEmbeddings(fake, Buffer.concat(chunks).toString('utf8'), res)
      return
    }
    if (req.method !== 'POST' || !/^(\/v1)?\/chat\/completions$/.test(path)) {
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' },
        }),
      )
      return
    }
    let body: RecordedRequest['body']
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: 'invalid JSON', type: 'invalid_request_error' } }))
      return
    }
    const recorded: RecordedRequest = { path, headers: req.headers, body }
    fake.requests.push(recorded)
    const reply = queue.shift() ?? fake.fallback(recorded)

    if ('status' in reply) {
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        // Keeps the SDK's retry back-off short in tests.
        'retry-after-ms': '10',
        ...reply.headers,
      })
      res.end(
        JSON.stringify({
          error: { message: reply.message ?? `fake error ${reply.status}`, type: 'server_error', code: null },
        }),
      )
      return
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs))
    const id = `chatcmpl-${fake.requests.length}`
    const created = Math.floor(Date.now() / 1000)
    const usage = {
      prompt_tokens: reply.promptTokens ?? 120,
      completion_tokens: reply.completionTokens ?? 20,
      total_tokens: (reply.promptTokens ?? 120) + (reply.completionTokens ?? 20),
    }
    if (body.stream) {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      })
      const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`)
      const base = { id, object: 'chat.completion.chunk', created, model: body.model }
      send({
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      })
      for (const piece of reply.text.match(/.{1,12}/gs) ?? []) {
        send({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })
      }
      send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage })
      res.end('data: [DONE]\n\n')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: reply.text },
            finish_reason: 'stop',
            logprobs: null,
          },
        ],
        usage,
      }),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

/**
 * OpenAI's embeddings wire format: the request is {model, input: string | string[],
 * encoding_format?: 'float' | 'base64', dimensions?, user?}; the answer is {object: 'list',
 * data: [{object: 'embedding', index, embedding: number[]}], model, usage: {prompt_tokens,
 * total_tokens}}, one `data` item per input in input order.
 */
function answerEmbeddings(fake: FakeOpenAI, raw: string, res: ServerResponse) {
  let body: EmbeddingRequest
  try {
    body = JSON.parse(raw)
  } catch {
    res.writeHead(400, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: { message: 'invalid JSON', type: 'invalid_request_error' } }))
    return
  }
  fake.embeddingRequests.push(body)
  if (fake.embeddingFailure) {
    res.writeHead(fake.embeddingFailure, { 'content-type': 'application/json', 'retry-after-ms': '10' })
    res.end(
      JSON.stringify({
        error: { message: `fake embeddings error ${fake.embeddingFailure}`, type: 'server_error' },
      }),
    )
    return
  }
  const inputs = typeof body.input === 'string' ? [body.input] : body.input
  const tokens = inputs.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0)
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(
    JSON.stringify({
      object: 'list',
      data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) })),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    }),
  )
}
