import type { LookupFunction } from 'node:net'

import { Agent } from 'undici'

import { caBundleWith } from './extra-ca-agent.ts'

export interface ResolvedAddress {
  readonly address: string
  readonly family: 4 | 6
}

/**
 * An Agent whose every connection goes to `pinned`, whatever the host name says, so the
 * address that passed the checks is the one connected to (no DNS rebinding between check and
 * connect). TLS still verifies the certificate against the URL's host name.
 */
export function createPinnedAgent(pinned: ResolvedAddress, extraCaPem?: string | Buffer): Agent {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }])
    else callback(null, pinned.address, pinned.family)
  }
  return new Agent({
    connections: 1,
    pipelining: 0,
    connect: { lookup, ...(extraCaPem ? { ca: caBundleWith(extraCaPem) } : {}) },
  })
}
