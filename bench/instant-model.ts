// An OpenAI-compatible chat-completions server that answers at once, so the end-to-end bench
// measures the platform's own pipeline and not a model's thinking time.
import { createServer } from 'node:http'

export async function startInstantModel(port: number) {
  let calls = 0
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      calls++
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(
        JSON.stringify({
          id: `chatcmpl-${calls}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: 'instant',
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: 'We open at 8:00 every weekday.' },
              finish_reason: 'stop',
            },
          ],
          usage: { prompt_tokens: 120, completion_tokens: 9, total_tokens: 129 },
        }),
      )
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls: () => calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
