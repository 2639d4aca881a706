import { timingSafeEqual } from 'node:crypto'

import type { FastifyRequest } from 'fastify'

import { AuthenticationError, ConfigError, isBridgeError } from '../../core/errors.ts'
import { type Principal, requireScope } from '../../core/model/account.ts'

/**
 * Bearer-token check for the operator API; the token is a secret, compared in constant time.
 * The scheme name is case-insensitive (RFC 9110 §11.1). A configured token that cannot be read
 * is the operator's misconfiguration: a 500 that names nothing, not a 404 naming the secret.
 */
export function requireAdmin(
  token: () => Promise<string | undefined>,
  /** API keys (`cxb_…`) are accepted too when they carry the `jobs:admin` scope. */
  apiKey?: (token: string) => Promise<Principal>,
) {
  return async (request: FastifyRequest) => {
    const match = /^Bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    const given = match?.[1] ?? ''
    if (apiKey && given.startsWith('cxb_')) {
      requireScope(await apiKey(given), 'jobs:admin')
      return
    }
    let expected: string | undefined
    try {
      expected = await token()
    } catch (error) {
      const reason = isBridgeError(error) ? error.message : 'cannot be read'
      throw new ConfigError('admin.tokenSecret', reason)
    }
    if (!expected || !safeEqual(given, expected))
      throw new AuthenticationError('admin token required')
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
