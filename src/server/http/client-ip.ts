import { BlockList, isIP } from 'node:net'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import type { TrustProxy } from '../config.js'
import type { AppEnv } from './env.js'

/**
 * The key used for requests that did not come through a socket: in-process calls (`app.request`
 * in tests, the simulator's dispatch). They all share it, so the limiter still counts them and
 * nothing a caller sends can move them to another key.
 */
export const NO_SOCKET = 'unknown'

/**
 * The client's address. It is the socket's peer, unless that peer is a trusted proxy
 * (`TRUST_PROXY`): then X-Forwarded-For is walked from the right, skipping trusted hops, and the
 * first untrusted address is the client. Anything left of it was written by the client and is
 * never used. A value that is not an IP address ends the walk at the proxy that reported it.
 */
export function clientIp(c: Context<AppEnv>): string {
  const peer = socketAddress(c)
  if (!peer) return NO_SOCKET
  return resolveClientIp(peer, c.req.header('x-forwarded-for'), c.get('services').config.trustProxy)
}

export function resolveClientIp(peer: string, forwardedFor: string | undefined, trust: TrustProxy): string {
  if (trust.kind === 'off') return peer
  const isTrusted = trustCheck(trust)
  const forwarded = (forwardedFor ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(normalizeAddress)
  // Walk from the socket's peer towards the client while the hop is trusted; the walk stops at
  // the end of the list or before an entry that is not an address.
  let client = peer
  for (let position = 0; isTrusted(client, position); position++) {
    const next = forwarded[forwarded.length - 1 - position]
    if (next === undefined || next === null) return client
    client = next
  }
  return client
}

/** `position` counts hops from the app: 0 is the socket's peer. */
function trustCheck(
  trust: Exclude<TrustProxy, { kind: 'off' }>,
): (address: string, position: number) => boolean {
  if (trust.kind === 'hops') return (_address, position) => position < trust.hops
  const list = new BlockList()
  for (const entry of trust.entries) {
    const [ip = '', prefix] = entry.split('/')
    const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4'
    if (prefix === undefined) list.addAddress(ip, type)
    else list.addSubnet(ip, Number(prefix), type)
  }
  return (address) => list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')
}

function socketAddress(c: Context<AppEnv>): string | null {
  try {
    return normalizeAddress(getConnInfo(c).remote.address ?? '')
  } catch {
    // No Node socket behind this request (in-process call).
    return null
  }
}

/** A bare IP address (IPv4-mapped IPv6 unwrapped, brackets and ports dropped), or null. */
export function normalizeAddress(value: string): string | null {
  let v = value.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v)?.[1]
  if (bracketed !== undefined) v = bracketed
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(':'))
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(v)?.[1]
  if (mapped !== undefined) v = mapped
  const family = isIP(v)
  if (family === 0) return null
  return family === 6 ? v.toLowerCase() : v
}

/**
 * What the limiter keys on: an IPv4 address, or an IPv6 /64 — one IPv6 client usually holds a
 * whole /64 and could otherwise make a new key per request.
 */
export function addressKey(ip: string): string {
  if (isIP(ip) !== 6) return ip
  const [head, tail = ''] = ip.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = ip.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`
}
