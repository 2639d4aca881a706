import type { FastifyReply } from 'fastify'

import type { OpenAiErrorObject } from './types.ts'

/** `{error: {message, type, param, code}}`, the body of every OpenAI API error. */
export function sendOpenAiError(
  reply: FastifyReply,
  status: number,
  error: Partial<OpenAiErrorObject> & { message: string },
): FastifyReply {
  const body: OpenAiErrorObject = {
    message: error.message,
    type: error.type ?? 'invalid_request_error',
    param: error.param ?? null,
    code: error.code ?? null,
  }
  return reply.code(status).type('application/json; charset=utf-8').send({ error: body })
}

/** Default bodies of injected status faults, worded as OpenAI words them. */
export function faultError(status: number): OpenAiErrorObject {
  if (status === 429) {
    return {
      message:
        'Rate limit reached for requests in organization org-emulator on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    }
  }
  if (status === 503) {
    return {
      message: 'The engine is currently overloaded, please try again later.',
      type: 'server_error',
      param: null,
      code: null,
    }
  }
  if (status >= 500) {
    return {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    }
  }
  return { message: 'Injected fault.', type: 'invalid_request_error', param: null, code: null }
}

/** A request that breaks a rule of the API: answered 400 (or `status`) with this error. */
export class RequestError extends Error {
  readonly status: number
  readonly param: string | null
  readonly code: string | null
  constructor(message: string, param: string | null, code: string | null, status = 400) {
    super(message)
    this.status = status
    this.param = param
    this.code = code
  }
}
