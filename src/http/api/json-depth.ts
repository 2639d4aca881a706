import type { FastifyRequest } from 'fastify'

import { InvalidInputError } from '../../core/errors.ts'

/** No setting nests half this deep; anything deeper is refused before a validator walks it. */
export const MAX_BODY_DEPTH = 32

/** Whether a parsed JSON value nests deeper than `limit`, found without recursion. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<readonly [unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!
    if (node === null || typeof node !== 'object') continue
    if (depth >= limit) return true
    for (const child of Object.values(node)) stack.push([child, depth + 1])
  }
  return false
}

/**
 * A `preValidation` hook: JSON.parse takes any depth, but recursive walkers (schema validation,
 * merging, JSON.stringify) overflow the stack some thousands of levels down, which was a 500.
 */
export async function refuseDeepBodies(request: FastifyRequest): Promise<void> {
  if (!nestsDeeperThan(request.body, MAX_BODY_DEPTH)) return
  const message = `nested deeper than ${MAX_BODY_DEPTH} levels`
  throw new InvalidInputError(`body: ${message}`, {
    details: { field: 'body', in: 'body', errors: [{ field: 'body', message }] },
  })
}
