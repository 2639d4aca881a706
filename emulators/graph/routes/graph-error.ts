import { randomUUID } from 'node:crypto'

import type { FastifyReply, FastifyRequest } from 'fastify'

const requestIds = new WeakMap<FastifyRequest, string>()

/** Graph answers every request with a `request-id`; `client-request-id` echoes the caller's. */
export function requestIdOf(req: FastifyRequest): string {
  let id = requestIds.get(req)
  if (!id) {
    id = randomUUID()
    requestIds.set(req, id)
  }
  return id
}

export function clientRequestIdOf(req: FastifyRequest): string {
  const header = req.headers['client-request-id']
  return (Array.isArray(header) ? header[0] : header) ?? requestIdOf(req)
}

/**
 * Graph's error body (https://learn.microsoft.com/graph/errors):
 * `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`,
 * `date` in UTC without fractions or zone.
 */
export function graphErrorBody(
  req: FastifyRequest,
  code: string,
  message: string,
  now: Date,
): Record<string, unknown> {
  return {
    error: {
      code,
      message,
      innerError: {
        date: now.toISOString().slice(0, 19),
        'request-id': requestIdOf(req),
        'client-request-id': clientRequestIdOf(req),
      },
    },
  }
}

/** Thrown by handlers; the error handler renders it as a Graph error. */
export class GraphHttpError extends Error {
  readonly status: number
  readonly code: string
  readonly headers: Record<string, string>
  /** A body that differs from the usual shape (Graph's 429 has its own). */
  readonly body: Record<string, unknown> | undefined

  constructor(
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    body?: Record<string, unknown>,
  ) {
    super(message)
    this.name = new.target.name
    this.status = status
    this.code = code
    this.headers = headers
    this.body = body
  }
}

export const badRequest = (message: string, code = 'BadRequest') =>
  new GraphHttpError(400, code, message)
export const notFound = (message = 'Resource not found.', code = 'NotFound') =>
  new GraphHttpError(404, code, message)
export const forbidden = (message = 'Forbidden', code = 'Forbidden') =>
  new GraphHttpError(403, code, message)

export async function sendGraphError(
  req: FastifyRequest,
  reply: FastifyReply,
  error: GraphHttpError,
  now: Date,
): Promise<void> {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
  await reply
    .code(error.status)
    .type('application/json')
    .send(error.body ?? graphErrorBody(req, error.code, error.message, now))
}
