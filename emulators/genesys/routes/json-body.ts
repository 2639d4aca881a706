import type { FastifyReply, FastifyRequest } from 'fastify'

import { rawBody } from '../../kit/server.ts'
import type { EmulatorContext } from '../context.ts'
import { sendError } from './errors.ts'

export const NOT_HANDLED = Symbol('handled')

/**
 * Reads a JSON request body the way the platform API does: 415 for another content type, 413 over
 * `request.bytes.max`, 400 for malformed JSON. Returns NOT_HANDLED when it already replied.
 */
export async function readJson(
  ctx: EmulatorContext,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<unknown> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()
  if (type !== 'application/json') {
    await sendError(reply, 415)
    return NOT_HANDLED
  }
  const raw = rawBody(req)
  if (raw.length > ctx.limits.requestBytesMax) {
    await sendError(reply, 413, {
      message: `The request is over the size limit. Maximum bytes: ${ctx.limits.requestBytesMax}`,
    })
    return NOT_HANDLED
  }
  try {
    return JSON.parse(raw.toString('utf8')) as unknown
  } catch {
    await sendError(reply, 400)
    return NOT_HANDLED
  }
}
