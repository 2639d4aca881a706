import {
  RemoteAmbiguousError,
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../core/errors.ts'
import type { HttpRequest, HttpResponse } from './http.ts'
import type { AttemptResponse, TransportFailure } from './http-attempt.ts'
import { remoteErrorDetails } from './remote-error-details.ts'
import { backoffDelayMs, type BackoffOptions, parseRetryAfter } from './retry-policy.ts'

/** What the client does after one attempt, unless the attempt's outcome is thrown. */
export type Next =
  | { readonly kind: 'done'; readonly response: HttpResponse }
  | { readonly kind: 'refresh-auth' }
  /** Retry after `waitMs`; when `limiterHolds`, the paused rate key makes the wait. */
  | {
      readonly kind: 'retry'
      readonly waitMs: number
      readonly reason: string
      readonly limiterHolds?: boolean
    }

export interface AttemptContext {
  readonly req: HttpRequest
  readonly host: string
  readonly idempotent: boolean
  /** Retries already made inside this call. */
  readonly retries: number
  readonly maxRetries: number
  readonly authRefreshed: boolean
  readonly nowMs: number
  readonly maxInlineWaitMs: number
  readonly backoff: BackoffOptions
  /** Pauses the request's rate key for everyone (absent without a rate key). */
  readonly pauseKey?: (ms: number) => void
}

/**
 * Classifies a response per the HttpClient contract: <400 returned; 401 → one auth refresh;
 * 401/403 → RemoteAuthError; 429 → wait out a short Retry-After, else RemoteUnavailableError;
 * 408/5xx → retried with backoff when idempotent, else RemoteUnavailableError; other 4xx →
 * RemoteRejectedError with the remote's error code.
 */
export function nextAfterResponse(res: AttemptResponse, ctx: AttemptContext): Next {
  const { status } = res
  const where = `${ctx.req.method} ${ctx.host}`
  if (status < 400) return { kind: 'done', response: toHttpResponse(res, where) }
  if (status === 401 && ctx.req.auth && !ctx.authRefreshed) return { kind: 'refresh-auth' }
  if (status < 500 && status !== 401 && status !== 429 && ctx.req.acceptStatuses?.includes(status))
    return { kind: 'done', response: toHttpResponse(res, where) }
  const details = { host: ctx.host, ...remoteErrorDetails(status, res.headers, res.body) }
  if (status === 401 || status === 403) {
    throw new RemoteAuthError(`${where}: credentials refused (${status})`, { status, details })
  }
  const canRetry = ctx.retries < ctx.maxRetries
  const retryAfterMs = parseRetryAfter(res.headers['retry-after'], ctx.nowMs)
  if (status === 429) {
    const waitMs = retryAfterMs ?? backoffDelayMs(ctx.retries, ctx.backoff)
    ctx.pauseKey?.(waitMs)
    if (canRetry && waitMs <= ctx.maxInlineWaitMs) {
      return { kind: 'retry', waitMs, reason: 'throttled', limiterHolds: !!ctx.pauseKey }
    }
    throw new RemoteUnavailableError(`${where}: throttled`, {
      status,
      retryAfterMs: waitMs,
      details,
    })
  }
  if (status >= 500 || status === 408) {
    const waitMs = retryAfterMs ?? backoffDelayMs(ctx.retries, ctx.backoff)
    if (canRetry && ctx.idempotent && waitMs <= ctx.maxInlineWaitMs) {
      return { kind: 'retry', waitMs, reason: String(status) }
    }
    throw new RemoteUnavailableError(`${where}: remote failed (${status})`, {
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      details,
    })
  }
  throw new RemoteRejectedError(`${where}: request refused (${status})`, { status, details })
}

/**
 * A failed exchange is retried when replaying is safe (idempotent, or it surely never left);
 * otherwise a request that may have arrived is ambiguous.
 */
export function nextAfterFailure(failure: TransportFailure, ctx: AttemptContext): Next {
  const where = `${ctx.req.method} ${ctx.host}`
  const details = { host: ctx.host, timedOut: failure.timedOut }
  if (failure.maybeSent && !ctx.idempotent) {
    throw new RemoteAmbiguousError(`${where}: ${failure.message}, outcome unknown`, {
      cause: failure.cause,
      details,
    })
  }
  if (ctx.retries >= ctx.maxRetries) {
    throw new RemoteUnavailableError(`${where}: ${failure.message}`, {
      cause: failure.cause,
      details,
    })
  }
  const reason = failure.timedOut ? 'timeout' : 'connection'
  return { kind: 'retry', waitMs: backoffDelayMs(ctx.retries, ctx.backoff), reason }
}

function toHttpResponse(res: AttemptResponse, where: string): HttpResponse {
  return {
    status: res.status,
    headers: res.headers,
    body: res.body,
    text: () => res.body.toString('utf8'),
    json<T>(): T {
      try {
        return JSON.parse(res.body.toString('utf8')) as T
      } catch (cause) {
        // Usually an HTML error page from a proxy or gateway: transient more often than not.
        throw new RemoteUnavailableError(`${where}: response is not valid JSON`, {
          cause,
          status: res.status,
        })
      }
    },
  }
}
