import type { FastifyRequest } from 'fastify'

import { AuthenticationError } from '../../core/errors.ts'
import type { Principal } from '../../core/model/account.ts'

const principals = new WeakMap<FastifyRequest, Principal>()

/** Reads `Authorization: Bearer <key>` and remembers whose key it is for the request. */
export function authenticateRequest(authenticate: (token: string) => Promise<Principal>) {
  return async (request: FastifyRequest) => {
    const match = /^Bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '')
    if (!match) throw new AuthenticationError('an API key is required (Authorization: Bearer …)')
    principals.set(request, await authenticate(match[1]!))
  }
}

export function principalOf(request: FastifyRequest): Principal {
  const principal = principals.get(request)
  if (!principal) throw new AuthenticationError('an API key is required')
  return principal
}
