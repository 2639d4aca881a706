import { request } from 'undici'

import {
  PayloadTooLargeError,
  PolicyRefusedError,
  RemoteAmbiguousError,
  RemoteUnavailableError,
  UnexpectedError,
} from '../../core/errors.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { Metrics } from '../../core/ports/metrics.ts'
import type { RateLimiter } from '../../core/ports/rate-limiter.ts'
import { checkTarget, type Resolve, resolveTarget } from './download-target.ts'
import {
  type Body,
  discard,
  flattenHeaders,
  readCapped,
  TransportFailure,
  transportFailureOf,
} from './http-attempt.ts'
import { type AttemptContext, nextAfterFailure, nextAfterResponse } from './http-outcome.ts'
import { createPinnedAgent } from './pinned-agent.ts'

export interface StreamRequest {
  readonly method: 'GET' | 'POST'
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string
  /** Bound on connecting and receiving the response headers. */
  readonly timeoutMs: number
  /** Longest silence between two chunks of the body. */
  readonly idleTimeoutMs: number
  /** Refuses bodies (error bodies included) larger than this. */
  readonly maxResponseBytes: number
  readonly signal?: AbortSignal
  /** Replaying cannot apply it twice: 5xx answers are retried within `maxRetries`. */
  readonly idempotent: boolean
  /** Retries before the body starts (429, 5xx when idempotent, connection refused); default 1. */
  readonly maxRetries?: number
  /** Longest Retry-After waited out inline (default 2 s); longer ones throw with retryAfterMs. */
  readonly maxInlineWaitMs?: number
  /** Rate-limit key: budget taken before each attempt, paused after a 429. */
  readonly rateKey?: string
  /** A wait the remote announced other than in Retry-After (e.g. `x-ratelimit-reset-*`). */
  readonly retryHintMs?: (headers: Readonly<Record<string, string>>) => number | undefined
}

export interface StreamDeps {
  readonly clock: Clock
  readonly limiter?: RateLimiter
  readonly metrics?: Metrics
  readonly log?: Logger
  /** DNS resolution (default: the system resolver). */
  readonly resolve?: Resolve
  /** An extra CA to trust (sandbox: the emulators' test certificate). */
  readonly extraCaPem?: string | Buffer
  /** Exact `host:port` allowed on private addresses and over http (the local emulators). */
  readonly trustedHosts?: readonly string[]
  /** Private addresses and plain http allowed for every host (self-hosted remotes). */
  readonly allowPrivateNetworks?: boolean
}

export interface HttpStream {
  readonly status: number
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>
  /**
   * The body as it arrives; iterate once. Throws RemoteAmbiguousError (`details.timedOut`)
   * when it stalls past `idleTimeoutMs`, RemoteUnavailableError (`details.midStream`) when the
   * connection is cut, PayloadTooLargeError past `maxResponseBytes`, or the caller's abort
   * reason. The connection is released when iteration ends, however it ends.
   */
  readonly body: AsyncIterable<Uint8Array>
  /** Releases the connection without reading further (safe to call twice). */
  close(): Promise<void>
}

const DEFAULT_MAX_RETRIES = 1
const DEFAULT_MAX_INLINE_WAIT_MS = 2_000
const ERROR_BODY_MAX_BYTES = 64 * 1024

/**
 * One streamed HTTP exchange under the SSRF policy of `safeDownload` (https only, no private
 * addresses unless trusted or allowed, the checked address pinned, no redirects), with
 * retries only before the body starts. Non-2xx answers throw the HttpClient's error classes
 * (see ./http.ts); a redirect throws PolicyRefusedError.
 */
export async function openStream(deps: StreamDeps, req: StreamRequest): Promise<HttpStream> {
  const target = checkTarget(req.url, {
    allowedHosts: 'any',
    trustedPrivateHosts: deps.trustedHosts ?? [],
    allowPrivateNetworks: deps.allowPrivateNetworks ?? false,
  })
  const pinned = await resolveTarget(target, deps.resolve)
  const agent = createPinnedAgent(pinned, deps.extraCaPem)
  const host = target.url.host
  const label = req.rateKey ?? host
  try {
    for (let retries = 0; ; retries++) {
      if (req.rateKey && deps.limiter) await deps.limiter.acquire(req.rateKey, req.signal)
      const ctx: AttemptContext = {
        req: { method: req.method, url: req.url },
        host,
        idempotent: req.idempotent,
        retries,
        maxRetries: req.maxRetries ?? DEFAULT_MAX_RETRIES,
        authRefreshed: true,
        nowMs: deps.clock.nowMs(),
        maxInlineWaitMs: req.maxInlineWaitMs ?? DEFAULT_MAX_INLINE_WAIT_MS,
        backoff: { baseMs: 200, maxMs: 1_000 },
        ...(req.rateKey && deps.limiter
          ? { pauseKey: (ms: number) => void deps.limiter!.pause(req.rateKey!, ms) }
          : {}),
      }
      const started = performance.now()
      const opened = await openOnce(req, agent, ctx, (status) => {
        deps.metrics?.increment('cxb_http_requests_total', { key: label, status })
        deps.metrics?.observe(
          'cxb_http_request_duration_seconds',
          (performance.now() - started) / 1000,
          { key: label },
        )
      })
      if (opened.kind === 'open') return streamOf(opened, agent, req, host)
      deps.log?.warn({ host, reason: opened.reason, waitMs: opened.waitMs }, 'http stream retry')
      if (opened.waitMs > 0 && !opened.limiterHolds)
        await deps.clock.sleep(opened.waitMs, req.signal)
    }
  } catch (error) {
    await agent.destroy()
    throw error
  }
}

type Opened =
  | {
      readonly kind: 'open'
      readonly status: number
      readonly headers: Record<string, string>
      readonly body: Body
    }
  | {
      readonly kind: 'retry'
      readonly reason: string
      readonly waitMs: number
      readonly limiterHolds?: boolean
    }

/** Sends once and classifies: open (2xx), retry, or throws the classified error. */
async function openOnce(
  req: StreamRequest,
  agent: ReturnType<typeof createPinnedAgent>,
  ctx: AttemptContext,
  onStatus: (status: string) => void,
): Promise<Opened> {
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(), req.timeoutMs)
  timer.unref()
  let res: Awaited<ReturnType<typeof request>>
  try {
    res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: agent,
      signal: req.signal ? AbortSignal.any([req.signal, deadline.signal]) : deadline.signal,
      headersTimeout: req.timeoutMs,
      // Our own timer bounds silences precisely (undici's timers tick about once a second).
      bodyTimeout: req.idleTimeoutMs + 2_000,
    })
  } catch (error) {
    if (req.signal?.aborted) throw req.signal.reason
    const failure = transportFailureOf(error, deadline.signal.aborted)
    if (!(failure instanceof TransportFailure)) throw failure
    onStatus(failure.timedOut ? 'timeout' : 'error')
    return afterFailure(failure, ctx)
  } finally {
    clearTimeout(timer)
  }
  onStatus(String(res.statusCode))
  const headers = flattenHeaders(res.headers)
  if (res.statusCode >= 200 && res.statusCode < 300) {
    return { kind: 'open', status: res.statusCode, headers, body: res.body }
  }
  if (res.statusCode < 400) {
    discard(res.body)
    // A redirect could lead anywhere, past every check above.
    throw new PolicyRefusedError('the remote answered with a redirect; redirects are refused', {
      details: { reason: 'redirect', status: res.statusCode, host: ctx.host },
    })
  }
  const body = await readErrorBody(res.body, headers['content-length'], req.signal)
  const hint = headers['retry-after'] === undefined ? req.retryHintMs?.(headers) : undefined
  if (hint !== undefined) headers['retry-after'] = String(hint / 1000)
  const next = nextAfterResponse({ status: res.statusCode, headers, body }, ctx)
  if (next.kind !== 'retry') throw new UnexpectedError('stream: unexpected outcome')
  return next
}

function afterFailure(failure: TransportFailure, ctx: AttemptContext): Opened {
  // A timeout is never retried inline: the user has waited long enough already.
  const next = nextAfterFailure(failure, failure.timedOut ? { ...ctx, idempotent: false } : ctx)
  if (next.kind !== 'retry') throw new UnexpectedError('stream: unexpected outcome')
  return next
}

async function readErrorBody(
  body: Body,
  contentLength: string | undefined,
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  try {
    return await readCapped(body, contentLength, ERROR_BODY_MAX_BYTES)
  } catch {
    if (signal?.aborted) throw signal.reason
    // The status decides; an error body that cannot be read adds nothing.
    return Buffer.alloc(0)
  }
}

function streamOf(
  opened: Extract<Opened, { kind: 'open' }>,
  agent: ReturnType<typeof createPinnedAgent>,
  req: StreamRequest,
  host: string,
): HttpStream {
  let released = false
  const release = async () => {
    if (released) return
    released = true
    discard(opened.body)
    await agent.destroy()
  }
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let total = 0
    const iterator = opened.body[Symbol.asyncIterator]()
    try {
      for (;;) {
        // Only the wait for the network counts as silence, not the time the reader takes.
        const timer = setTimeout(() => opened.body.destroy(new IdleTimeout()), req.idleTimeoutMs)
        let step: IteratorResult<Buffer>
        try {
          step = (await iterator.next()) as IteratorResult<Buffer>
        } finally {
          clearTimeout(timer)
        }
        if (step.done) return
        const chunk = step.value
        total += chunk.length
        if (total > req.maxResponseBytes) {
          throw new PayloadTooLargeError(`response body exceeds ${req.maxResponseBytes} bytes`, {
            details: { maxBytes: req.maxResponseBytes },
          })
        }
        yield chunk
      }
    } catch (error) {
      throw bodyFailure(error, req.signal, host)
    } finally {
      await release()
    }
  }
  return { status: opened.status, headers: opened.headers, body: chunks(), close: release }
}

function bodyFailure(error: unknown, signal: AbortSignal | undefined, host: string): unknown {
  if (signal?.aborted) return signal.reason
  if (error instanceof PayloadTooLargeError) return error
  const failure = transportFailureOf(error, error instanceof IdleTimeout)
  if (!(failure instanceof TransportFailure)) return failure
  if (failure.timedOut) {
    return new RemoteAmbiguousError(`${host}: the stream stalled`, {
      cause: error,
      details: { host, timedOut: true, midStream: true },
    })
  }
  return new RemoteUnavailableError(`${host}: the stream was cut`, {
    cause: error,
    details: { host, midStream: true },
  })
}

/** Our idle timer fired while waiting for the next chunk. */
class IdleTimeout extends Error {
  constructor() {
    super('no data within the idle timeout')
  }
}

/** The answer's media type, lower case, without parameters. */
export function mediaTypeOf(stream: HttpStream): string {
  return (stream.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase()
}

/** Reads an answer of one kind (a media type) into text deltas and how the answer finished. */
export type AnswerReader<F> = (stream: HttpStream, host: string) => AsyncGenerator<string, F>

/**
 * Hands the stream to the reader for its media type; any other type closes the stream and
 * throws `unreadable(host, 'content-type')`.
 */
export async function* readByMediaType<F>(
  stream: HttpStream,
  host: string,
  readers: Readonly<Record<string, AnswerReader<F>>>,
  unreadable: (host: string, reason: string) => Error,
): AsyncGenerator<string, F> {
  const mediaType = mediaTypeOf(stream)
  const reader = Object.hasOwn(readers, mediaType) ? readers[mediaType] : undefined
  if (reader) return yield* reader(stream, host)
  await stream.close()
  throw unreadable(host, 'content-type')
}

/** The whole body as UTF-8 text (within the request's `maxResponseBytes`). */
export async function readText(stream: HttpStream): Promise<string> {
  const parts: Uint8Array[] = []
  for await (const chunk of stream.body) parts.push(chunk)
  return Buffer.concat(parts).toString('utf8')
}

/** Parses JSON text, throwing `invalid()` when it is not JSON. */
export function parseJsonOr(text: string, invalid: () => Error): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw invalid()
  }
}
