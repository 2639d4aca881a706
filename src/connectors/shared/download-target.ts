import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'

import { PolicyRefusedError, RemoteUnavailableError } from '../../core/errors.ts'
import type { ResolvedAddress } from './pinned-agent.ts'
import { isPrivateAddress } from './private-address.ts'

export interface TargetPolicy {
  /** Exact host names, or `.suffix` for any subdomain of suffix; `any`: every host name. */
  readonly allowedHosts: readonly string[] | 'any'
  /** Exact `host:port` allowed even on a private address, and over http (local emulators). */
  readonly trustedPrivateHosts?: readonly string[]
  /** Every host is treated as trusted: an operator's own network (self-hosted remotes). */
  readonly allowPrivateNetworks?: boolean
}

export type Resolve = (hostname: string) => Promise<ResolvedAddress[]>

export interface CheckedTarget {
  readonly url: URL
  readonly hostname: string
  readonly trusted: boolean
}

const refuse = (message: string, reason: string, details: Record<string, unknown> = {}) =>
  new PolicyRefusedError(message, { details: { reason, ...details } })

/** Checks a URL (a download, a responder endpoint) against the policy before any network access. */
export function checkTarget(rawUrl: string, policy: TargetPolicy): CheckedTarget {
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    throw refuse('URL is not valid', 'invalid-url')
  }
  const hostname = url.hostname.toLowerCase().replace(/\.$/, '')
  const port = url.port || (url.protocol === 'https:' ? '443' : '80')
  const trusted =
    policy.allowPrivateNetworks === true ||
    (policy.trustedPrivateHosts ?? []).includes(`${hostname}:${port}`)
  if (url.username || url.password) throw refuse('URL carries credentials', 'userinfo')
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && trusted)) {
    throw refuse('only https URLs are allowed', 'scheme', { scheme: url.protocol })
  }
  if (!trusted && policy.allowedHosts !== 'any' && !hostAllowed(hostname, policy.allowedHosts)) {
    throw refuse('host is not allowed', 'host', { host: hostname })
  }
  return { url, hostname, trusted }
}

function hostAllowed(hostname: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const rule = entry.toLowerCase()
    return rule.startsWith('.')
      ? hostname.endsWith(rule) && hostname.length > rule.length
      : hostname === canonicalHost(rule)
  })
}

/** The URL parser's spelling of a host (IPv6 literals compressed, IPv4-mapped in hex). */
function canonicalHost(host: string): string {
  try {
    return new URL(`https://${host}/`).hostname.replace(/\.$/, '')
  } catch {
    return host
  }
}

const systemResolve: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true })).map((r) => ({
    address: r.address,
    family: r.family === 6 ? 6 : 4,
  }))

/**
 * Resolves the host once and returns the address to pin. Every resolved address must be
 * public unless the exact host:port is trusted: a name that also points inside is refused.
 */
export async function resolveTarget(
  target: CheckedTarget,
  resolve: Resolve = systemResolve,
): Promise<ResolvedAddress> {
  const bare = target.hostname.replace(/^\[|\]$/g, '')
  const literal = isIP(bare)
  let addresses: ResolvedAddress[]
  if (literal) {
    addresses = [{ address: bare, family: literal === 6 ? 6 : 4 }]
  } else {
    try {
      addresses = await resolve(target.hostname)
    } catch (cause) {
      throw new RemoteUnavailableError(`cannot resolve ${target.hostname}`, { cause })
    }
  }
  if (addresses.length === 0) {
    throw new RemoteUnavailableError(`cannot resolve ${target.hostname}`)
  }
  if (!target.trusted && addresses.some((a) => isPrivateAddress(a.address))) {
    throw refuse('host resolves to a private address', 'private-address', {
      host: target.hostname,
    })
  }
  return addresses[0]!
}
