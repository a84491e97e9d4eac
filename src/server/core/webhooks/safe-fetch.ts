import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import { isNonPublicAddress, resolveHost } from './address-policy.js'

// Outbound HTTP to addresses an organization chose: only http(s); the host is resolved here and
// every address checked; the connection goes to the address that was checked (a DNS answer that
// changes between the check and the connection — rebinding — cannot swap it); redirects are not
// followed (a public URL could redirect to a private one); a time limit; a capped answer.

export interface SafeFetchOptions {
  method?: 'POST'
  headers: Record<string, string>
  body: string
  allowPrivateAddresses: boolean
  timeoutMs?: number
  /** Bytes of the answer kept; the rest is not read. */
  maxResponseBytes?: number
}

export interface SafeFetchResult {
  status: number
  body: string
}

/** A request refused before it left (the URL or its address) or that failed on the way. */
export class SafeFetchError extends Error {
  constructor(
    message: string,
    /** True when the request was refused by policy (never sent). */
    public readonly refused = false,
  ) {
    super(message)
    this.name = 'SafeFetchError'
  }
}

export async function safeFetch(rawUrl: string, opts: SafeFetchOptions): Promise<SafeFetchResult> {
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    throw new SafeFetchError('not a valid URL', true)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SafeFetchError('only http and https are allowed', true)
  if (url.username || url.password) throw new SafeFetchError('URLs with credentials are refused', true)

  let addresses: { address: string; family: 4 | 6 }[]
  try {
    addresses = await resolveHost(url.hostname)
  } catch (err) {
    throw new SafeFetchError(
      `could not resolve ${url.hostname}: ${(err as NodeJS.ErrnoException).code ?? err}`,
    )
  }
  const target = addresses[0]
  if (!target) throw new SafeFetchError(`${url.hostname} has no address`)
  if (!opts.allowPrivateAddresses) {
    const bad = addresses.find((a) => isNonPublicAddress(a.address))
    if (bad) {
      throw new SafeFetchError(
        `refused: ${url.hostname} resolves to ${bad.address}, a private, loopback or link-local address`,
        true,
      )
    }
  }

  // Always the address checked above, whatever the resolver would answer now.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }])
    else callback(null, target.address, target.family)
  }
  const timeoutMs = opts.timeoutMs ?? 10_000
  const maxBytes = opts.maxResponseBytes ?? 64 * 1024
  const client = url.protocol === 'https:' ? https : http

  return new Promise<SafeFetchResult>((resolve, reject) => {
    const req = client.request(
      url,
      {
        method: opts.method ?? 'POST',
        headers: { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) },
        lookup: pinned,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        const finish = () => {
          clearTimeout(timer)
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
        }
        res.on('data', (chunk: Buffer) => {
          if (size >= maxBytes) return
          const room = maxBytes - size
          chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk)
          size += Math.min(chunk.length, room)
          if (size >= maxBytes) {
            // Enough: the rest is not read.
            finish()
            res.destroy()
          }
        })
        res.on('end', finish)
        res.on('error', (err) => {
          clearTimeout(timer)
          if (size >= maxBytes) return
          reject(new SafeFetchError(err.message))
        })
      },
    )
    const timer = setTimeout(() => {
      req.destroy(new SafeFetchError(`no answer within ${timeoutMs / 1000} s`))
    }, timeoutMs)
    req.on('error', (err) => {
      clearTimeout(timer)
      reject(err instanceof SafeFetchError ? err : new SafeFetchError(err.message))
    })
    req.end(opts.body)
  })
}
