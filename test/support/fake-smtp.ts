import { createServer, type Socket } from 'node:net'
import { waitFor } from './wait.js'

// A local SMTP server that speaks enough of RFC 5321 for nodemailer: EHLO/HELO, AUTH PLAIN and
// LOGIN, MAIL FROM, RCPT TO, DATA (dot-stuffing), RSET, NOOP, QUIT. It keeps every message.

export interface ReceivedMail {
  from: string
  to: string[]
  subject: string
  /** The decoded text body. */
  text: string
  raw: string
  auth?: { user: string; pass: string }
}

export interface FakeSmtp {
  url: string
  port: number
  messages: ReceivedMail[]
  /** The newest message to `to` (waits for it). */
  waitForMail(to: string, opts?: { after?: number; timeoutMs?: number }): Promise<ReceivedMail>
  close(): Promise<void>
}

function decodeBody(headers: string, body: string): string {
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase()
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    return Buffer.from(bytes, 'latin1').toString('utf8')
  }
  return body
}

function decodeHeader(value: string): string {
  // RFC 2047 encoded words, as nodemailer writes non-ASCII subjects.
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
    kind.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text
            .replace(/_/g, ' ')
            .replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  )
}

function parse(
  raw: string,
  envelope: { from: string; to: string[] },
  auth?: ReceivedMail['auth'],
): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n')
  const headers = split === -1 ? raw : raw.slice(0, split)
  const body = split === -1 ? '' : raw.slice(split + 4)
  const unfolded = headers.replace(/\r\n[ \t]+/g, ' ')
  const subject = decodeHeader(/^subject:\s*(.*)$/im.exec(unfolded)?.[1] ?? '')
  return { ...envelope, subject, text: decodeBody(unfolded, body), raw, auth }
}

export async function startFakeSmtp(): Promise<FakeSmtp> {
  const messages: ReceivedMail[] = []
  const sockets = new Set<Socket>()

  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.setEncoding('latin1')
    const reply = (line: string) => socket.write(`${line}\r\n`)
    let buffer = ''
    let mode: 'command' | 'data' | 'auth-login-user' | 'auth-login-pass' = 'command'
    let envelope = { from: '', to: [] as string[] }
    let data = ''
    let auth: ReceivedMail['auth']
    let loginUser = ''

    const command = (line: string) => {
      const verb = (line.split(' ')[0] ?? '').toUpperCase()
      if (verb === 'EHLO') {
        socket.write('250-fake-smtp\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n')
      } else if (verb === 'HELO') reply('250 fake-smtp')
      else if (verb === 'AUTH') {
        const [, mech, initial] = line.split(' ')
        if (mech?.toUpperCase() === 'PLAIN' && initial) {
          const [, user, pass] = Buffer.from(initial, 'base64').toString('utf8').split('\u0000')
          auth = { user: user ?? '', pass: pass ?? '' }
          reply('235 2.7.0 Authentication successful')
        } else if (mech?.toUpperCase() === 'LOGIN') {
          mode = 'auth-login-user'
          reply(`334 ${Buffer.from('Username:').toString('base64')}`)
        } else reply('504 5.5.4 Unrecognized authentication type')
      } else if (verb === 'MAIL') {
        envelope = { from: /<([^>]*)>/.exec(line)?.[1] ?? '', to: [] }
        reply('250 2.1.0 Ok')
      } else if (verb === 'RCPT') {
        envelope.to.push(/<([^>]*)>/.exec(line)?.[1] ?? '')
        reply('250 2.1.5 Ok')
      } else if (verb === 'DATA') {
        if (envelope.to.length === 0) return reply('554 5.5.1 No valid recipients')
        mode = 'data'
        data = ''
        reply('354 End data with <CR><LF>.<CR><LF>')
      } else if (verb === 'RSET') {
        envelope = { from: '', to: [] }
        reply('250 2.0.0 Ok')
      } else if (verb === 'NOOP') reply('250 2.0.0 Ok')
      else if (verb === 'QUIT') {
        reply('221 2.0.0 Bye')
        socket.end()
      } else reply('502 5.5.2 Command not recognized')
    }

    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (;;) {
        if (mode === 'data') {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end === -1) {
            // A message that is only the terminator line.
            if (data === '' && buffer.startsWith('.\r\n')) {
              buffer = buffer.slice(3)
              messages.push(parse('', envelope, auth))
              mode = 'command'
              reply('250 2.0.0 Ok: queued')
              continue
            }
            return
          }
          data = buffer.slice(0, end)
          buffer = buffer.slice(end + 5)
          const raw = data.replace(/^\.\./gm, '.')
          messages.push(parse(Buffer.from(raw, 'latin1').toString('utf8'), envelope, auth))
          mode = 'command'
          reply('250 2.0.0 Ok: queued')
          continue
        }
        const nl = buffer.indexOf('\r\n')
        if (nl === -1) return
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(nl + 2)
        if (mode === 'auth-login-user') {
          loginUser = Buffer.from(line, 'base64').toString('utf8')
          mode = 'auth-login-pass'
          reply(`334 ${Buffer.from('Password:').toString('base64')}`)
        } else if (mode === 'auth-login-pass') {
          auth = { user: loginUser, pass: Buffer.from(line, 'base64').toString('utf8') }
          mode = 'command'
          reply('235 2.7.0 Authentication successful')
        } else command(line)
      }
    })
    socket.on('error', () => socket.destroy())
    reply('220 fake-smtp ESMTP ready')
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitForMail(to, opts = {}) {
      return waitFor(
        () =>
          messages
            .slice(opts.after ?? 0)
            .filter((m) => m.to.some((t) => t.toLowerCase() === to.toLowerCase()))
            .at(-1),
        { timeoutMs: opts.timeoutMs ?? 10_000, intervalMs: 50, what: `mail to ${to}` },
      )
    },
    close() {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
