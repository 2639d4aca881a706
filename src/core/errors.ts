/**
 * Errors classed by cause, not by where they were thrown. Codes are stable and documented in
 * docs/errors.md; HTTP statuses live only in src/http/errors.ts.
 */
export type ErrorCode =
  | 'INPUT_INVALID'
  | 'AUTH_FAILED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'REMOTE_UNAVAILABLE'
  | 'REMOTE_REJECTED'
  | 'REMOTE_AUTH'
  | 'REMOTE_AMBIGUOUS'
  | 'POLICY_REFUSED'
  | 'CONFIG_INVALID'
  | 'UNAVAILABLE'
  | 'UNEXPECTED'

export abstract class BridgeError extends Error {
  abstract readonly code: ErrorCode
  /** May the job runner try again later? */
  readonly retryable: boolean = false
  /** Earliest retry the remote asked for (Retry-After), in milliseconds from now. */
  readonly retryAfterMs: number | undefined = undefined
  /** Safe, structured detail for a problem body (never secrets, never raw remote bodies). */
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(message: string, options?: ErrorOptions & { details?: Record<string, unknown> }) {
    super(message, options)
    this.name = new.target.name
    this.details = options?.details
  }
}

/** Bad input from a caller (a webhook body, an API request). Never retried. Logged at info. */
export class InvalidInputError extends BridgeError {
  readonly code = 'INPUT_INVALID'
}

/** The caller could not be authenticated (bad signature, token, clientState). */
export class AuthenticationError extends BridgeError {
  readonly code = 'AUTH_FAILED'
}

export class ForbiddenError extends BridgeError {
  readonly code = 'FORBIDDEN'
}

export class NotFoundError extends BridgeError {
  readonly code = 'NOT_FOUND'
}

export class ConflictError extends BridgeError {
  readonly code = 'CONFLICT'
}

export class PayloadTooLargeError extends BridgeError {
  readonly code = 'PAYLOAD_TOO_LARGE'
}

export class UnsupportedMediaTypeError extends BridgeError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE'
}

/** A policy refused the input for good (attachment host, size, MIME type). Not retried. */
export class PolicyRefusedError extends BridgeError {
  readonly code = 'POLICY_REFUSED'
}

/** Configuration that cannot work; `path` names the key to fix. */
export class ConfigError extends BridgeError {
  readonly code = 'CONFIG_INVALID'
  readonly path: string
  constructor(path: string, message: string) {
    super(`${path}: ${message}`)
    this.path = path
  }
}

/** A remote service failed in a way that usually passes (5xx, 429, timeout). Retried. */
export class RemoteUnavailableError extends BridgeError {
  readonly code = 'REMOTE_UNAVAILABLE'
  override readonly retryable = true
  override readonly retryAfterMs: number | undefined
  readonly status: number | undefined
  constructor(
    message: string,
    options?: ErrorOptions & {
      retryAfterMs?: number
      status?: number
      details?: Record<string, unknown>
    },
  ) {
    super(message, options)
    this.retryAfterMs = options?.retryAfterMs
    this.status = options?.status
  }
}

/**
 * The request may have reached the remote but no answer came (timeout after sending). Retried
 * only where the remote deduplicates; the caller decides by catching this class.
 */
export class RemoteAmbiguousError extends BridgeError {
  readonly code = 'REMOTE_AMBIGUOUS'
  override readonly retryable = true
}

/** The remote refused credentials even after one refresh. Retried (an operator may fix it). */
export class RemoteAuthError extends BridgeError {
  readonly code = 'REMOTE_AUTH'
  override readonly retryable = true
  readonly status: number | undefined
  constructor(
    message: string,
    options?: ErrorOptions & { status?: number; details?: Record<string, unknown> },
  ) {
    super(message, options)
    this.status = options?.status
  }
}

/** The remote said no for good (4xx other than 401/408/429). Not retried; shown on the message. */
export class RemoteRejectedError extends BridgeError {
  readonly code = 'REMOTE_REJECTED'
  readonly status: number | undefined
  constructor(
    message: string,
    options?: ErrorOptions & { status?: number; details?: Record<string, unknown> },
  ) {
    super(message, options)
    this.status = options?.status
  }
}

/** The bridge's own store, queue or cache is unreachable (restarting, failing over). Retried. */
export class UnavailableError extends BridgeError {
  readonly code = 'UNAVAILABLE'
  override readonly retryable = true
}

/** Node's codes for a connection refused, cut or timed out. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
])
/** pg's own errors for a connection lost mid-query or at connect, which carry no code. */
const CONNECTION_MESSAGES =
  /^Connection terminated|^timeout exceeded when trying to connect|^Client (has encountered a connection error|was closed) and is not queryable/

/**
 * An error of a dependency's connection rather than of the request: a network code, a PostgreSQL
 * connection exception (SQLSTATE class 08), a server shutting down or starting up (57P01-57P03,
 * https://www.postgresql.org/docs/current/errcodes-appendix.html), or pg's connection-lost errors.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code) || /^57P0[123]$/.test(code))
      return true
  }
  return CONNECTION_MESSAGES.test(error.message)
}

/** A bug in cx-bridge. Logged at error with its stack. */
export class UnexpectedError extends BridgeError {
  readonly code = 'UNEXPECTED'
}

export const isBridgeError = (error: unknown): error is BridgeError => error instanceof BridgeError

/** Errors of unknown origin are treated as transient: retried, then parked for an operator. */
export const isRetryable = (error: unknown): boolean =>
  isBridgeError(error) ? error.retryable : true
