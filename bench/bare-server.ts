// The baseline the webhook is measured against: a bare node:http server that parses the same
// form-encoded webhook and does one INSERT per request on the same PostgreSQL server.
import { createServer } from 'node:http'
import pg from 'pg'

export async function startBareServer(databaseUrl: string, port: number) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
  await pool.query(
    'create table if not exists bare_messages (sid text primary key, body jsonb not null, created_at timestamptz not null default now())',
  )
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
      pool
        .query('insert into bare_messages (sid, body) values ($1, $2) on conflict do nothing', [
          params.MessageSid,
          params,
        ])
        .then(() => {
          res.writeHead(200, { 'content-type': 'text/xml' })
          res.end('<?xml version="1.0" encoding="UTF-8"?><Response/>')
        })
        .catch((err: Error) => {
          res.writeHead(500)
          res.end(err.message)
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await pool.end()
    },
  }
}
