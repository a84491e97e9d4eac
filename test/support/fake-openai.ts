import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

// A local server speaking OpenAI's Chat Completions wire format (what DeepSeek and every
// OpenAI-compatible provider speak), for tests that go through the real AI SDK providers.

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
  close(): Promise<void>
}

/** The text of a recorded message, whatever its content shape. */
export const messageText = (m: RecordedRequest['body']['messages'][number]) =>
  typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join('')

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const queue: ScriptedReply[] = []
  const fake: FakeOpenAI = {
    url: '',
    requests: [],
    script: (...replies) => queue.push(...replies),
    fallback: () => ({ text: 'Hello from the fake model.' }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const path = (req.url ?? '').split('?')[0]
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
