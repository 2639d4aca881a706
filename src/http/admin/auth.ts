import { timingSafeEqual } from 'node:crypto'

import type { FastifyRequest } from 'fastify'

import { AuthenticationError } from '../../core/errors.ts'

/** Bearer-token check for the operator API; the token is a secret, compared in constant time. */
export function requireAdmin(token: () => Promise<string | undefined>) {
  return async (request: FastifyRequest) => {
    const expected = await token()
    const header = request.headers.authorization ?? ''
    const given = header.startsWith('Bearer ') ? header.slice(7) : ''
    if (!expected || !safeEqual(given, expected))
      throw new AuthenticationError('admin token required')
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
