import { type Dispatcher, request } from 'undici'

import { PayloadTooLargeError, UnexpectedError } from '../../core/errors.ts'

export interface Attempt {
  readonly method: Dispatcher.HttpMethod
  readonly url: string
  readonly headers: Record<string, string>
  readonly body: string | Uint8Array | undefined
  readonly dispatcher: Dispatcher | undefined
  readonly timeoutMs: number
  readonly signal: AbortSignal | undefined
  readonly maxResponseBytes: number
}

export interface AttemptResponse {
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: Buffer
}

/** Errors that happen before a request can have left this machine. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
])

/** A transport failure, with whether the remote may have received the request. */
export class TransportFailure extends Error {
  readonly maybeSent: boolean
  readonly timedOut: boolean
  constructor(cause: unknown, options: { maybeSent: boolean; timedOut: boolean }) {
    super(options.timedOut ? 'request timed out' : 'connection failed', { cause })
    this.maybeSent = options.maybeSent
    this.timedOut = options.timedOut
  }
}

/**
 * One HTTP exchange on undici, redirects not followed, the whole exchange (connect, headers,
 * body) bounded by `timeoutMs`, the body bounded by `maxResponseBytes`. Throws the caller's
 * abort reason, PayloadTooLargeError, or TransportFailure.
 */
export async function sendAttempt(attempt: Attempt): Promise<AttemptResponse> {
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), attempt.timeoutMs)
  timer.unref()
  const signals = attempt.signal ? [attempt.signal, deadline.signal] : [deadline.signal]
  try {
    const res = await request(attempt.url, {
      method: attempt.method,
      headers: attempt.headers,
      body: attempt.body,
      dispatcher: attempt.dispatcher,
      signal: AbortSignal.any(signals),
      headersTimeout: attempt.timeoutMs,
      bodyTimeout: attempt.timeoutMs,
    })
    const headers = flattenHeaders(res.headers)
    const body = await readCapped(res.body, headers['content-length'], attempt.maxResponseBytes)
    return { status: res.statusCode, headers, body }
  } catch (error) {
    if (attempt.signal?.aborted) throw attempt.signal.reason
    if (error instanceof PayloadTooLargeError) throw error
    throw transportFailureOf(error, deadline.signal.aborted)
  } finally {
    clearTimeout(timer)
  }
}

/**
 * An undici failure as a TransportFailure (or UnexpectedError for a request undici refused to
 * send). `deadlineFired`: our own timer aborted the exchange.
 */
export function transportFailureOf(
  error: unknown,
  deadlineFired: boolean,
): TransportFailure | UnexpectedError {
  const code = errorCode(error)
  if (code === 'UND_ERR_INVALID_ARG') {
    return new UnexpectedError('invalid HTTP request', { cause: error })
  }
  const timedOut =
    deadlineFired || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
  const maybeSent = !(code !== undefined && NOT_SENT_CODES.has(code))
  return new TransportFailure(error, { maybeSent, timedOut })
}

export type Body = Dispatcher.ResponseData['body']

export async function readCapped(
  body: Body,
  contentLength: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const tooLarge = () =>
    new PayloadTooLargeError(`response body exceeds ${maxBytes} bytes`, { details: { maxBytes } })
  if (contentLength !== undefined && Number(contentLength) > maxBytes) {
    discard(body)
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let total = 0
  for await (const chunk of body) {
    total += (chunk as Buffer).length
    // Leaving the loop by throwing destroys the stream (and its connection).
    if (total > maxBytes) throw tooLarge()
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks, total)
}

/** Drops a body unread; the abort it causes is expected, not an error to report. */
export function discard(body: Body): void {
  body.on('error', () => {})
  body.destroy()
}

export function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}

function errorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | undefined)?.code
  if (typeof own === 'string' && own !== 'UND_ERR_SOCKET') return own
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code
  return typeof cause === 'string' ? cause : typeof own === 'string' ? own : undefined
}
