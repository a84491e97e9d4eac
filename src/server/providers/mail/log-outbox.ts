import { randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../../logger.js'
import type { Mailer, MailMessage } from './types.js'

const KEEP = 50
let sequence = 0

export interface OutboxEntry extends MailMessage {
  from: string
  sentAt: string
}

export const outboxDir = (dataDir: string) => join(dataDir, 'mail-outbox')

/**
 * Embedded mode without SMTP: each message is written to the server log (info) and kept as a
 * JSON file in DATA_DIR/mail-outbox (the last 50), so the person running the platform — and the
 * tests — can open the links. Nothing leaves the machine.
 */
export class LogMailer implements Mailer {
  readonly kind = 'log' as const

  constructor(
    private readonly dataDir: string,
    private readonly from: string,
    private readonly log: Logger,
  ) {}

  async send(message: MailMessage): Promise<void> {
    const entry: OutboxEntry = { ...message, from: this.from, sentAt: new Date().toISOString() }
    const dir = outboxDir(this.dataDir)
    await mkdir(dir, { recursive: true })
    // Names sort by time, then by this process's sequence (several in one millisecond); the random
    // part keeps two processes from writing the same file.
    sequence = (sequence + 1) % 1_000_000
    const name = `${Date.now().toString().padStart(15, '0')}-${sequence.toString().padStart(6, '0')}-${randomBytes(4).toString('hex')}.json`
    await writeFile(join(dir, name), JSON.stringify(entry, null, 2), { mode: 0o600 })
    this.log.info(
      { mail: { to: message.to, subject: message.subject, text: message.text } },
      'email (log transport: not sent, kept in DATA_DIR/mail-outbox)',
    )
    await prune(dir)
  }
}

async function prune(dir: string) {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()
  await Promise.all(
    files.slice(0, Math.max(0, files.length - KEEP)).map((f) => rm(join(dir, f), { force: true })),
  )
}

/** The messages in the outbox, oldest first. */
export async function readOutbox(dataDir: string): Promise<OutboxEntry[]> {
  const dir = outboxDir(dataDir)
  let files: string[]
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()
  } catch {
    return []
  }
  const entries = await Promise.all(
    files.map((f) =>
      readFile(join(dir, f), 'utf8')
        .then((t) => JSON.parse(t) as OutboxEntry)
        .catch(() => null),
    ),
  )
  return entries.filter((e): e is OutboxEntry => e !== null)
}
