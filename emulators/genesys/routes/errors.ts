import type { FastifyReply } from 'fastify'

import { uuid } from '../state/ids.ts'

/** Genesys `ErrorBody` (platform-client SDK model), the shape of every API error. */
export interface GenesysErrorBody {
  readonly message: string
  readonly code: string
  readonly status: number
  readonly contextId: string
  readonly details: readonly { fieldName?: string; errorCode?: string }[]
  readonly errors: readonly GenesysErrorBody[]
}

/**
 * Default code and message per status. Messages are the swagger response descriptions; codes are
 * the `x-inin-error-codes` seen for them (e.g. 429 `too.many.requests.retry.after`).
 */
const DEFAULTS: Record<number, { code: string; message: string }> = {
  400: {
    code: 'bad.request',
    message: 'The request could not be understood by the server due to malformed syntax.',
  },
  401: { code: 'bad.credentials', message: 'Invalid login credentials.' },
  403: {
    code: 'missing.permissions',
    message: 'You are not authorized to perform the requested action.',
  },
  404: { code: 'not.found', message: 'The requested resource was not found.' },
  408: {
    code: 'request.timeout',
    message: 'The client did not produce a request within the server timeout limit.',
  },
  409: {
    code: 'conflict',
    message: 'The request conflicts with the current state of the target resource.',
  },
  413: { code: 'request.entity.too.large', message: 'The request is over the size limit.' },
  415: {
    code: 'unsupported.media.type',
    message:
      'Unsupported Media Type - Unsupported or incorrect media type, such as an incorrect Content-Type value in the header.',
  },
  429: { code: 'too.many.requests.retry.after', message: 'Rate limit exceeded the maximum.' },
  500: {
    code: 'internal.server.error',
    message:
      'The server encountered an unexpected condition which prevented it from fulfilling the request.',
  },
  502: { code: 'bad.gateway', message: 'Bad Gateway.' },
  503: {
    code: 'service.unavailable',
    message:
      'Service Unavailable - The server is currently unavailable (because it is overloaded or down for maintenance).',
  },
  504: { code: 'gateway.timeout', message: 'The request timed out.' },
}

export interface FieldProblem {
  readonly field: string
  readonly problem: string
}

export function errorBody(
  status: number,
  options: {
    code?: string
    message?: string
    contextId?: string
    problems?: readonly FieldProblem[]
  } = {},
): GenesysErrorBody {
  const fallback = DEFAULTS[status] ?? { code: 'error', message: 'Error' }
  const problems = options.problems ?? []
  const code = options.code ?? fallback.code
  return {
    message:
      options.message ??
      (problems.length > 0
        ? problems.map((p) => `${p.field} ${p.problem}`).join('; ')
        : fallback.message),
    code,
    status,
    contextId: options.contextId ?? uuid(),
    details: problems.map((p) => ({ fieldName: p.field, errorCode: code })),
    errors: problems.map((p) => ({
      message: `${p.field} ${p.problem}`,
      code,
      status,
      contextId: options.contextId ?? uuid(),
      details: [],
      errors: [],
    })),
  }
}

/** Sends an ErrorBody; the contextId doubles as the `ININ-Correlation-Id` header. */
export async function sendError(
  reply: FastifyReply,
  status: number,
  options: { code?: string; message?: string; problems?: readonly FieldProblem[] } = {},
): Promise<void> {
  const body = errorBody(status, options)
  await reply.code(status).header('inin-correlation-id', body.contextId).send(body)
}
