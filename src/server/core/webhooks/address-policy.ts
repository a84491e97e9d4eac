import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

// Which addresses a webhook may reach. A subscription URL is typed by whoever administers an
// organization: without this, it could point the platform's own network at itself (the cloud
// metadata service at 169.254.169.254, a database on 10.0.0.5, an admin port on 127.0.0.1).

const refused = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  refused.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['64:ff9b::', 96], // NAT64: an IPv4 address in disguise
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  refused.addSubnet(net, bits, 'ipv6')

/** The IPv4 address inside an IPv4-mapped IPv6 one (`::ffff:a.b.c.d`, also written `::ffff:7f00:1`). */
function mappedIpv4(address: string): string | null {
  const lower = address.toLowerCase()
  const dotted = /^(?:0{0,4}:){0,5}:?ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower)
  if (dotted?.[1]) return dotted[1]
  const hex = /^(?:0{0,4}:){0,5}:?ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower)
  if (hex?.[1] && hex[2]) {
    const hi = Number.parseInt(hex[1], 16)
    const lo = Number.parseInt(hex[2], 16)
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.')
  }
  return null
}

/** Whether an IP address is private, loopback, link-local, unique-local, multicast or otherwise not public. */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '')
  const family = isIP(bare)
  if (family === 4) return refused.check(bare, 'ipv4')
  if (family === 6) {
    const v4 = mappedIpv4(bare)
    if (v4) return refused.check(v4, 'ipv4')
    return refused.check(bare, 'ipv6')
  }
  // Not an address at all: refuse rather than guess.
  return true
}

/** Why a URL may not be a webhook's (null: it may), without looking anything up. */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  if (raw.length > 2000) return 'must be at most 2,000 characters'
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'must be an absolute http(s) URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL'
  if (url.username || url.password) return 'must not contain a user name or password'
  if (!url.hostname) return 'must name a host'
  if (allowPrivate) return null
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (isIP(host) && isNonPublicAddress(host)) {
    return 'must not point at a private, loopback or link-local address'
  }
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point at this server (localhost)'
  return null
}

/**
 * The addresses a host name resolves to, all of them (an attacker's DNS may answer one public and
 * one private address). A literal address is returned as it is.
 */
export async function resolveHost(hostname: string): Promise<{ address: string; family: 4 | 6 }[]> {
  const host = hostname.replace(/^\[|\]$/g, '')
  const family = isIP(host)
  if (family === 4 || family === 6) return [{ address: host, family }]
  const found = await lookup(host, { all: true, verbatim: true })
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))
}

/**
 * At subscription time: refuses a host name that resolves to a non-public address now (it is
 * checked again at every delivery; a name that does not resolve yet is accepted).
 */
export async function resolvedUrlProblem(raw: string, allowPrivate: boolean): Promise<string | null> {
  if (allowPrivate) return null
  const host = new URL(raw).hostname
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000).unref())
  const addresses = await Promise.race([resolveHost(host).catch(() => null), timeout])
  if (addresses?.some((a) => isNonPublicAddress(a.address))) {
    return 'resolves to a private, loopback or link-local address'
  }
  return null
}
