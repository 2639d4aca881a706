/**
 * The one HTTP client every connector uses (implementation: ./http-client.ts, on undici).
 * It owns rate limiting per remote key, Retry-After, backoff with jitter for idempotent calls,
 * a circuit breaker per remote key, and the classification of failures into BridgeErrors.
 */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly url: string
  readonly headers?: Readonly<Record<string, string>>
  /** Sent as-is. Mutually exclusive with `json` and `form`. */
  readonly body?: string | Uint8Array
  readonly json?: unknown
  readonly form?: Readonly<Record<string, string>>
  /** Rate-limit and circuit key, e.g. `genesys:{clientId}`; omit for unmetered calls. */
  readonly rateKey?: string
  readonly timeoutMs?: number
  readonly signal?: AbortSignal
  /**
   * True when replaying the request cannot apply it twice (GET, PUT, or the remote dedupes on an
   * id we send). Only idempotent requests are retried in-process after 5xx or a timeout; others
   * fail with RemoteAmbiguousError when the outcome is unknown.
   */
  readonly idempotent?: boolean
  /** Retries inside this call for 429/5xx (default 2); the job queue retries beyond that. */
  readonly maxRetries?: number
  /**
   * 4xx statuses (not 401/429) returned as responses instead of thrown, for a caller that must
   * read the remote's answer to know what happened (e.g. Teams streaming's 403s, which say why).
   */
  readonly acceptStatuses?: readonly number[]
  /** Refuses bodies larger than this (default 25 MB). */
  readonly maxResponseBytes?: number
  /**
   * Adds the Authorization header. On a 401 the client calls `refresh()` once (which re-reads
   * the secret and fetches a new token) and retries once.
   */
  readonly auth?: HttpAuth
  /** Logged instead of the URL's path when the path holds what logs must not (a tenant id). */
  readonly logPath?: string
}

export interface HttpAuth {
  header(): Promise<string>
  refresh(): Promise<void>
}

export interface HttpResponse {
  readonly status: number
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
  text(): string
  json<T = unknown>(): T
}

export interface HttpClient {
  /**
   * Resolves with 2xx/3xx responses (redirects are not followed). Throws:
   * RemoteUnavailableError (429 with retryAfterMs, 5xx, connection errors, timeouts of
   * idempotent calls, open circuit), RemoteAmbiguousError (timeout of a non-idempotent call
   * after the request was sent), RemoteAuthError (401/403 after one refresh),
   * RemoteRejectedError (other 4xx; the remote's error code in details, never its raw body).
   */
  request(req: HttpRequest): Promise<HttpResponse>
}
