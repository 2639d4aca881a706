import type { Dispatcher } from 'undici'

import { RemoteUnavailableError, UnexpectedError } from '../../core/errors.ts'
import type { CircuitBreaker } from '../../core/ports/circuit-breaker.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { Metrics } from '../../core/ports/metrics.ts'
import type { RateLimiter } from '../../core/ports/rate-limiter.ts'
import type { HttpClient, HttpRequest, HttpResponse } from './http.ts'
import { type AttemptResponse, sendAttempt, TransportFailure } from './http-attempt.ts'
import {
  type AttemptContext,
  type Next,
  nextAfterFailure,
  nextAfterResponse,
} from './http-outcome.ts'
import type { BackoffOptions } from './retry-policy.ts'

export { createExtraCaAgent } from './extra-ca-agent.ts'

export interface HttpClientOptions {
  readonly limiter: RateLimiter
  readonly clock: Clock
  readonly metrics: Metrics
  readonly log: Logger
  /** e.g. `createExtraCaAgent(pem)`; default: undici's global dispatcher. */
  readonly dispatcher?: Dispatcher
  /** Circuit per rateKey (infra/limits `createCircuitBreaker`); without one, none trips. */
  readonly breaker?: CircuitBreaker
  /** Longest Retry-After waited out inside one call (default 30 s); longer ones throw. */
  readonly maxInlineWaitMs?: number
  /** Backoff for 5xx and connection errors (default 250 ms doubling, capped at 10 s). */
  readonly backoff?: BackoffOptions
}

const DEFAULT_TIMEOUT_MS = 30_000
const DEFAULT_MAX_RETRIES = 2
const DEFAULT_MAX_RESPONSE_BYTES = 25 * 1024 * 1024
const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 10_000 }
/** RFC 9110 §9.2.2: replaying these cannot apply them twice. */
const IDEMPOTENT_METHODS = new Set(['GET', 'PUT', 'DELETE'])

/** The HttpClient contract of ./http.ts on undici. Never logs headers or bodies. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  return { request: (req) => execute(options, req) }
}

async function execute(o: HttpClientOptions, req: HttpRequest): Promise<HttpResponse> {
  const prepared = prepare(req)
  const key = req.rateKey
  const log = o.log.child({
    method: req.method,
    host: prepared.host,
    path: req.logPath ?? prepared.path,
  })
  let retries = 0
  let authRefreshed = false
  for (let attempt = 1; ; attempt++) {
    if (key) await admit(o, key, req.signal)
    const ctx: AttemptContext = {
      req,
      host: prepared.host,
      idempotent: req.idempotent ?? IDEMPOTENT_METHODS.has(req.method),
      retries,
      maxRetries: req.maxRetries ?? DEFAULT_MAX_RETRIES,
      authRefreshed,
      nowMs: o.clock.nowMs(),
      maxInlineWaitMs: o.maxInlineWaitMs ?? 30_000,
      backoff: o.backoff ?? DEFAULT_BACKOFF,
      // The limiter's pause never rejects; the next acquire on this key waits for it.
      ...(key ? { pauseKey: (ms: number) => void o.limiter.pause(key, ms) } : {}),
    }
    const next = await attemptOnce(o, prepared, ctx, log.child({ attempt }))
    if (next.kind === 'done') return next.response
    if (next.kind === 'refresh-auth') {
      authRefreshed = true
      await req.auth!.refresh()
      continue
    }
    retries += 1
    o.metrics.increment('cxb_http_retries_total', {
      key: key ?? prepared.host,
      reason: next.reason,
    })
    log.warn({ reason: next.reason, waitMs: next.waitMs, attempt }, 'http retry')
    // After a 429 the key is paused for everyone; the limiter then holds this call too.
    if (!next.limiterHolds && next.waitMs > 0) await o.clock.sleep(next.waitMs, req.signal)
  }
}

/** Sends once, records metrics and the breaker's verdict, and classifies the outcome. */
async function attemptOnce(
  o: HttpClientOptions,
  prepared: ReturnType<typeof prepare>,
  ctx: AttemptContext,
  log: Logger,
): Promise<Next> {
  const { req } = ctx
  const key = req.rateKey
  const label = key ?? prepared.host
  const started = performance.now()
  let res: AttemptResponse
  try {
    const headers = req.auth
      ? { ...prepared.headers, authorization: await req.auth.header() }
      : prepared.headers
    res = await sendAttempt({
      method: req.method,
      url: prepared.url,
      headers,
      body: prepared.body,
      dispatcher: o.dispatcher,
      timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      signal: req.signal,
      maxResponseBytes: req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    })
  } catch (error) {
    if (!(error instanceof TransportFailure)) {
      if (key) o.breaker?.cancel(key)
      throw error
    }
    const status = error.timedOut ? 'timeout' : 'error'
    record(o, label, status, started)
    log.debug({ status }, 'http failure')
    if (key) o.breaker?.failure(key)
    return nextAfterFailure(error, ctx)
  }
  record(o, label, String(res.status), started)
  log.debug({ status: res.status }, 'http response')
  if (key && res.status >= 500) o.breaker?.failure(key)
  else if (key) o.breaker?.success(key)
  return nextAfterResponse(res, ctx)
}

/** Fails fast on an open circuit, then waits for rate-limit budget. */
async function admit(o: HttpClientOptions, key: string, signal: AbortSignal | undefined) {
  if (o.breaker && !o.breaker.allow(key)) {
    throw new RemoteUnavailableError(`circuit open for ${key}`, {
      retryAfterMs: Math.max(1000, o.breaker.retryInMs(key)),
      details: { key },
    })
  }
  const waitStarted = performance.now()
  try {
    await o.limiter.acquire(key, signal)
  } catch (error) {
    o.breaker?.cancel(key)
    throw error
  }
  const waitedMs = performance.now() - waitStarted
  if (waitedMs >= 1) o.metrics.observe('cxb_rate_limit_wait_seconds', waitedMs / 1000, { key })
}

function record(o: HttpClientOptions, key: string, status: string, started: number) {
  o.metrics.increment('cxb_http_requests_total', { key, status })
  o.metrics.observe('cxb_http_request_duration_seconds', (performance.now() - started) / 1000, {
    key,
  })
}

function prepare(req: HttpRequest) {
  const parsed = new URL(req.url)
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new UnexpectedError(`unsupported URL scheme ${parsed.protocol}`)
  }
  const given = [req.body, req.json, req.form].filter((part) => part !== undefined).length
  if (given > 1) throw new UnexpectedError('body, json and form are mutually exclusive')
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers ?? {})) headers[name.toLowerCase()] = value
  let body: string | Uint8Array | undefined = req.body
  if (req.json !== undefined) {
    body = JSON.stringify(req.json)
    headers['content-type'] ??= 'application/json'
  } else if (req.form !== undefined) {
    body = new URLSearchParams(req.form).toString()
    headers['content-type'] ??= 'application/x-www-form-urlencoded'
  }
  return { url: parsed.href, host: parsed.host, path: parsed.pathname, headers, body }
}
