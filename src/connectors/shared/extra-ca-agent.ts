import { getCACertificates } from 'node:tls'

import { Agent } from 'undici'

/**
 * The usual CAs (Node's bundled set, NODE_EXTRA_CA_CERTS and the operating system's store)
 * plus `caPem`.
 */
export function caBundleWith(caPem: string | Buffer): string[] {
  return [
    ...new Set([...getCACertificates('default'), ...getCACertificates('system'), caPem.toString()]),
  ]
}

/**
 * An undici Agent that trusts the usual CAs plus `caPem`. Sandbox mode uses it to trust the
 * emulators' test-only certificate without weakening TLS for anything else.
 */
export function createExtraCaAgent(caPem: string | Buffer): Agent {
  return new Agent({ connect: { ca: caBundleWith(caPem) } })
}
