import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedWebhook {
  path: string
  headers: IncomingHttpHeaders
  body: string
  /** The body parsed (the Standard Webhooks envelope: { type, timestamp, data }). */
  // biome-ignore lint/suspicious/noExplicitAny: the event's JSON, read field by field in tests
  json: any
}

export interface WebhookReceiver {
  /** http://127.0.0.1:<port> */
  url: string
  received: ReceivedWebhook[]
  /** Status codes answered to the next requests, in order; then `defaultStatus`. */
  script(...statuses: number[]): void
  defaultStatus: number
  close(): Promise<void>
}

/** A local endpoint that records every request and answers with scripted status codes. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const queue: number[] = []
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    defaultStatus: 200,
    script: (...statuses) => {
      queue.push(...statuses)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try {
        json = JSON.parse(body)
      } catch {
        json = undefined
      }
      receiver.received.push({ path: req.url ?? '/', headers: req.headers, body, json })
      const status = queue.shift() ?? receiver.defaultStatus
      res.writeHead(status, { 'content-type': 'text/plain' })
      res.end(status < 300 ? 'ok' : `scripted failure ${status}`)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return receiver
}
