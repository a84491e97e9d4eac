import type { Logger } from '../../logger.js'

const WINDOW_MS = 60_000

export interface WebhookRefusalOptions {
  /** Refused signatures one address may send per minute before it gets 429 instead of 403. */
  perMinute?: number
  /** Addresses tracked at once; beyond it the oldest windows are forgotten (bounded memory). */
  maxTracked?: number
  now?: () => number
}

/**
 * Forged webhooks, counted per source address in this process and logged in aggregate.
 *
 * Per process on purpose: this protects each process's CPU and logs, and a shared counter would
 * make every forged request write to PostgreSQL — the cost it is meant to avoid. A correctly
 * signed request is still accepted from an address over the limit (checking a size- and
 * parameter-capped form is cheap), so Twilio behind a shared proxy address is never refused
 * because someone else forged requests.
 */
export class WebhookRefusals {
  private readonly perMinute: number
  private readonly maxTracked: number
  private readonly now: () => number
  private readonly windows = new Map<string, { start: number; count: number }>()
  private unlogged = 0
  private unloggedAddresses = new Set<string>()
  private lastWarn = Number.NEGATIVE_INFINITY
  private flushTimer: NodeJS.Timeout | undefined
  private log: Logger | undefined

  constructor(opts: WebhookRefusalOptions = {}) {
    this.perMinute = opts.perMinute ?? 30
    this.maxTracked = opts.maxTracked ?? 10_000
    this.now = opts.now ?? Date.now
  }

  /** Counts one refusal from `address`; true when that address is over its limit (answer 429). */
  refuse(address: string, log: Logger): boolean {
    this.log = log
    const now = this.now()
    let w = this.windows.get(address)
    if (!w || now - w.start >= WINDOW_MS) {
      this.windows.delete(address)
      if (this.windows.size >= this.maxTracked) this.forgetOldest(now)
      w = { start: now, count: 0 }
      this.windows.set(address, w)
    }
    w.count += 1
    this.noteForLog(address, now)
    return w.count > this.perMinute
  }

  /** Seconds until `address`'s window ends (Retry-After). */
  retryAfter(address: string): number {
    const w = this.windows.get(address)
    return w ? Math.max(1, Math.ceil((w.start + WINDOW_MS - this.now()) / 1000)) : 1
  }

  /** One warn a minute at most, with how many were refused since the last one. */
  private noteForLog(address: string, now: number) {
    this.unlogged += 1
    if (this.unloggedAddresses.size < 10) this.unloggedAddresses.add(address)
    if (now - this.lastWarn >= WINDOW_MS) {
      this.flush()
      return
    }
    if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => this.flush(), this.lastWarn + WINDOW_MS - now)
      this.flushTimer.unref()
    }
  }

  private flush() {
    if (this.flushTimer) clearTimeout(this.flushTimer)
    this.flushTimer = undefined
    if (this.unlogged === 0) return
    this.log?.warn(
      { refused: this.unlogged, addresses: [...this.unloggedAddresses] },
      'webhooks with a missing or wrong X-Twilio-Signature refused (count since the last such warning)',
    )
    this.lastWarn = this.now()
    this.unlogged = 0
    this.unloggedAddresses = new Set()
  }

  private forgetOldest(now: number) {
    for (const [address, w] of this.windows) {
      if (now - w.start >= WINDOW_MS || this.windows.size >= this.maxTracked) this.windows.delete(address)
      else break
    }
  }

  /** Stops the pending summary (the app is closing); what it held is logged now. */
  close() {
    this.flush()
  }
}
