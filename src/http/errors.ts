import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

import {
  type BridgeError,
  type ErrorCode,
  InvalidInputError,
  isBridgeError,
  isConnectionLoss,
  UnavailableError,
} from '../core/errors.ts'
import type { Logger } from '../core/ports/logger.ts'

/** The only place HTTP statuses for error codes live. */
export const statusForCode: Record<ErrorCode, number> = {
  INPUT_INVALID: 400,
  AUTH_FAILED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  POLICY_REFUSED: 422,
  CONFIG_INVALID: 500,
  REMOTE_UNAVAILABLE: 503,
  REMOTE_REJECTED: 502,
  REMOTE_AUTH: 502,
  REMOTE_AMBIGUOUS: 504,
  UNAVAILABLE: 503,
  UNEXPECTED: 500,
}

export interface Problem {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly code: ErrorCode
  readonly detail?: string
  readonly details?: Readonly<Record<string, unknown>>
}

/** RFC 9457 problem details: never a stack, never a secret, never a remote's raw body. */
export function problemFor(error: BridgeError): Problem {
  const status = statusForCode[error.code]
  return {
    type: `https://github.com/cx-bridge/cx-bridge/blob/main/docs/errors.md#${error.code.toLowerCase()}`,
    title: titleFor(status),
    status,
    code: error.code,
    detail: status >= 500 ? undefined : error.message,
    ...(status < 500 && error.details ? { details: error.details } : {}),
  }
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  417: 'Expectation Failed',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}
const titleFor = (status: number) => titles[status] ?? 'Error'

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem)
}

/** A problem for a 4xx status chosen outside the error catalogue (Fastify, a handshake). */
export function problemForClientStatus(status: number, detail: string | undefined): Problem {
  const code: ErrorCode =
    status === 413
      ? 'PAYLOAD_TOO_LARGE'
      : status === 415
        ? 'UNSUPPORTED_MEDIA_TYPE'
        : status === 401
          ? 'AUTH_FAILED'
          : status === 404
            ? 'NOT_FOUND'
            : 'INPUT_INVALID'
  return {
    type: 'about:blank',
    title: titleFor(status),
    status,
    code,
    ...(detail ? { detail } : {}),
  }
}

/** Fastify's own errors (body too large, bad JSON, wrong content type) become problems, never 5xx. */
function problemForFastifyError(error: FastifyError): Problem | undefined {
  const status = error.statusCode
  if (!status || status >= 500) return undefined
  if (status === 400 && Array.isArray(error.validation) && error.validation.length > 0) {
    return validationProblem(error)
  }
  return problemForClientStatus(status, publicMessage(error))
}

interface ValidationItem {
  readonly instancePath?: string
  readonly message?: string
  readonly params?: Readonly<Record<string, unknown>>
}

/**
 * A schema refusal names each field (`settings.appSecret`, `take`): zod issues from the
 * type provider and Ajv errors alike. Messages describe the rule, never the rejected value.
 */
function validationProblem(error: FastifyError): Problem {
  const errors = (error.validation as readonly ValidationItem[]).flatMap((item) => {
    const base = (item.instancePath ?? '').split('/').filter(Boolean)
    const unknown = item.params?.keys ?? item.params?.additionalProperty
    const keys = Array.isArray(unknown) ? unknown : typeof unknown === 'string' ? [unknown] : []
    if (keys.length > 0) {
      return keys.map((key) => ({
        field: [...base, String(key)].join('.'),
        message: 'is not a known field',
      }))
    }
    return [{ field: base.join('.') || '(body)', message: item.message ?? 'is invalid' }]
  })
  const first = errors[0]!
  return {
    type: 'https://github.com/cx-bridge/cx-bridge/blob/main/docs/errors.md#input_invalid',
    title: 'Bad Request',
    status: 400,
    code: 'INPUT_INVALID',
    detail: `${first.field}: ${first.message}`,
    details: {
      field: first.field,
      ...(error.validationContext && { in: error.validationContext }),
      errors,
    },
  }
}

const publicMessage = (error: FastifyError) =>
  error.validation ? `invalid request: ${error.message}` : error.message.slice(0, 300)

export function errorHandler(log: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (isBridgeError(error)) {
      const problem = problemFor(error)
      const level = problem.status >= 500 ? 'error' : 'info'
      log[level](
        { reqId: request.id, code: error.code, err: level === 'error' ? error : undefined },
        'request failed',
      )
      return sendProblem(reply, problem)
    }
    const fastifyProblem = problemForFastifyError(error as FastifyError)
    if (fastifyProblem) {
      log.info({ reqId: request.id, status: fastifyProblem.status }, 'request refused')
      return sendProblem(reply, fastifyProblem)
    }
    if (isConnectionLoss(error)) {
      // The store or queue is restarting: a 503 asks the load balancer and the remote to try
      // again, where a 500 reads as a bug.
      log.warn({ reqId: request.id, err: error.message }, 'dependency unavailable')
      void reply.header('retry-after', '1')
      return sendProblem(reply, problemFor(new UnavailableError('a dependency is unavailable')))
    }
    log.error({ reqId: request.id, err: error }, 'unexpected error')
    return sendProblem(reply, {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      code: 'UNEXPECTED',
    })
  }
}

/** What the router refuses before any route runs; the path is not echoed (it may carry anything). */
const frameworkDetails: Record<string, string> = {
  FST_ERR_BAD_URL: 'the URL is not valid percent-encoding',
  FST_ERR_MAX_PARAM_LENGTH: 'a path segment is too long',
}

/**
 * Fastify's `frameworkErrors`: a URL that does not decode or a path parameter over
 * `maxParamLength` is answered by the router itself, in its own JSON, unless handled here.
 */
export function frameworkErrorHandler(log: Logger) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode ?? 500
    if (status >= 500) return errorHandler(log)(error, request, reply)
    log.info({ reqId: request.id, status, code: error.code }, 'request refused')
    return sendProblem(reply, problemForClientStatus(status, frameworkDetails[error.code]))
  }
}

/**
 * Node's `clientError`: bytes that are not HTTP (a malformed request line or header, conflicting
 * lengths), headers over the size limit, a request too slow to arrive. No request exists yet, so
 * the answer is written to the socket, which is then closed, as Fastify's own handler does.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 408
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : 400
  const body = JSON.stringify(
    problemForClientStatus(
      status,
      status === 400 ? 'the request is not valid HTTP/1.1' : undefined,
    ),
  )
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${titleFor(status)}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }
  socket.destroy(error)
}

/** RFC 9112 §3.2: an HTTP/1.1 request without a Host header is refused with a 400. */
export async function requireHost(request: FastifyRequest): Promise<void> {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined)
    throw new InvalidInputError('a Host header is required')
}

/** Node's `checkExpectation`: an Expect other than 100-continue (RFC 9110 §10.1.1). */
export function expectationFailed(_request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify(
    problemForClientStatus(417, 'only "Expect: 100-continue" is supported'),
  )
  response.writeHead(417, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  })
  response.end(body)
}
