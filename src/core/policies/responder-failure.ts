import { isBridgeError } from '../errors.ts'

/** Why a responder gave no (complete) answer, in the terms a user and an operator care about. */
export type ResponderFailureKind =
  /** No answer in time: the remote was slow or the stream stalled. */
  | 'timeout'
  /** The remote asked us to slow down (429); `retryAfterMs` says when to try again. */
  | 'busy'
  /** The remote failed in a way that usually passes (5xx, connection, stream cut). */
  | 'unavailable'
  /** The remote refused the credential: an operator must fix the secret. */
  | 'auth'
  /** The remote refused this request for good, or answered unreadably. */
  | 'rejected'
  /** The settings are incomplete or point somewhere the policy forbids. */
  | 'misconfigured'
  /** The caller cancelled. Nothing should be said to the user. */
  | 'cancelled'
  /** Anything else: a bug. */
  | 'unexpected'

export interface ResponderFailure {
  readonly kind: ResponderFailureKind
  /** A short, polite message for the user, without details of the cause. */
  readonly userText: string
  /** Worth trying the same turn again later (the job runner's view). */
  readonly retryable: boolean
  readonly retryAfterMs?: number
  /** Safe fields to log: the error code, status and remote error code, never a secret or text. */
  readonly logFields: Readonly<Record<string, unknown>>
}

const USER_TEXT: Record<ResponderFailureKind, string> = {
  timeout:
    'Sorry, I could not put an answer together in time. Please try again in a moment, or rephrase your question.',
  busy: 'Sorry, I am receiving a lot of questions right now. Please try again in a minute.',
  unavailable:
    'Sorry, I cannot answer right now because a service I rely on is unavailable. Please try again in a few minutes.',
  auth: 'Sorry, I cannot answer right now because of a problem with my configuration. The team has been notified.',
  rejected:
    'Sorry, I could not answer that message. Please try rephrasing it, or ask for a person.',
  misconfigured:
    'Sorry, I cannot answer right now because of a problem with my configuration. The team has been notified.',
  cancelled: '',
  unexpected: 'Sorry, something went wrong on my side. Please try again in a moment.',
}

/** Appended when a streamed answer broke off after part of it was shown. */
export const INTERRUPTED_SUFFIX =
  '\n\n_(My answer was interrupted. Please ask again if you need the rest.)_'

/**
 * Classifies an error a Responder threw into what to tell the user and what to log. `aborted`
 * is the caller's own signal: its reason is a cancellation, whatever error it carries.
 */
export function classifyResponderFailure(error: unknown, aborted = false): ResponderFailure {
  const kind = aborted ? 'cancelled' : kindOf(error)
  const bridge = isBridgeError(error) ? error : undefined
  const retryAfterMs = bridge?.retryAfterMs
  return {
    kind,
    userText: USER_TEXT[kind],
    retryable: kind === 'timeout' || kind === 'busy' || kind === 'unavailable',
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    logFields: logFieldsOf(error, kind),
  }
}

function kindOf(error: unknown): ResponderFailureKind {
  if (!isBridgeError(error)) return isAbort(error) ? 'cancelled' : 'unexpected'
  switch (error.code) {
    case 'REMOTE_AMBIGUOUS':
      return 'timeout'
    case 'REMOTE_UNAVAILABLE': {
      if (error.details?.timedOut === true) return 'timeout'
      return (error as { status?: number }).status === 429 ? 'busy' : 'unavailable'
    }
    case 'REMOTE_AUTH':
      return 'auth'
    case 'REMOTE_REJECTED':
    case 'PAYLOAD_TOO_LARGE':
      return 'rejected'
    case 'CONFIG_INVALID':
    case 'POLICY_REFUSED':
    case 'NOT_FOUND':
      return 'misconfigured'
    default:
      return 'unexpected'
  }
}

const SAFE_DETAIL_KEYS = ['status', 'remoteCode', 'remoteType', 'requestId', 'host', 'reason']

function logFieldsOf(error: unknown, kind: ResponderFailureKind): Record<string, unknown> {
  if (!isBridgeError(error)) {
    return { kind, error: error instanceof Error ? error.name : typeof error }
  }
  const fields: Record<string, unknown> = { kind, code: error.code }
  const status = (error as { status?: unknown }).status
  if (typeof status === 'number') fields.status = status
  if (error.retryAfterMs !== undefined) fields.retryAfterMs = error.retryAfterMs
  for (const key of SAFE_DETAIL_KEYS) {
    const value = error.details?.[key]
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value
  }
  for (const key of ['timedOut', 'midStream'] as const) {
    if (error.details?.[key] === true) fields[key] = true
  }
  return fields
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')
}
