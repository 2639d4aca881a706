import { PayloadTooLargeError, PolicyRefusedError, UnexpectedError } from '../../core/errors.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { Metrics } from '../../core/ports/metrics.ts'
import { checkTarget, type Resolve, resolveTarget, type TargetPolicy } from './download-target.ts'
import type { HttpAuth } from './http.ts'
import { type AttemptResponse, sendAttempt, TransportFailure } from './http-attempt.ts'
import { nextAfterFailure, nextAfterResponse } from './http-outcome.ts'
import { createPinnedAgent } from './pinned-agent.ts'
import { safeFileName } from './safe-file-name.ts'

export { safeFileName } from './safe-file-name.ts'

export interface SafeDownloadDeps {
  /** DNS resolution (default: the system resolver, every address). */
  readonly resolve?: Resolve
  /** An extra CA to trust (sandbox: the emulators' test certificate). */
  readonly extraCaPem?: string | Buffer
  readonly metrics?: Metrics
  readonly log?: Logger
  /** Bound on the whole exchange (default 60 s). */
  readonly timeoutMs?: number
}

export interface SafeDownloadOptions extends TargetPolicy {
  readonly maxBytes: number
  /** Exact types or `type/*`; omitted: any type. */
  readonly allowedMediaTypes?: readonly string[]
  readonly auth?: HttpAuth
  readonly signal?: AbortSignal
}

export interface Downloaded {
  readonly data: Uint8Array
  readonly mediaType: string
  readonly fileName?: string
}

const DEFAULT_TIMEOUT_MS = 60_000

/**
 * Downloads an attachment under an SSRF policy (OWASP SSRF Prevention Cheat Sheet): https
 * only, allowlisted hosts, no private, loopback, link-local or metadata addresses (unless the
 * exact host:port is trusted), the checked address pinned for the connection, no redirects,
 * the size capped while streaming, the media type checked. Policy violations throw
 * PolicyRefusedError; remote failures throw the HttpClient's error classes.
 */
export async function safeDownload(
  deps: SafeDownloadDeps,
  url: string,
  options: SafeDownloadOptions,
): Promise<Downloaded> {
  try {
    const target = checkTarget(url, options)
    const pinned = await resolveTarget(target, deps.resolve)
    const agent = createPinnedAgent(pinned, deps.extraCaPem)
    try {
      const res = await fetchOnce(deps, target.url, options, agent)
      const result = toDownloaded(res, target.url, options)
      deps.metrics?.increment('cxb_downloads_total', { outcome: 'ok' })
      return result
    } finally {
      await agent.destroy()
    }
  } catch (error) {
    const outcome = error instanceof PolicyRefusedError ? 'refused' : 'failed'
    deps.metrics?.increment('cxb_downloads_total', { outcome })
    deps.log?.warn(
      { outcome, code: (error as { code?: string }).code },
      'download refused or failed',
    )
    throw error
  }
}

async function fetchOnce(
  deps: SafeDownloadDeps,
  url: URL,
  options: SafeDownloadOptions,
  agent: ReturnType<typeof createPinnedAgent>,
): Promise<AttemptResponse> {
  const ctx = {
    req: { method: 'GET' as const, url: url.href, ...(options.auth ? { auth: options.auth } : {}) },
    host: url.host,
    idempotent: true,
    retries: 0,
    maxRetries: 0,
    nowMs: Date.now(),
    maxInlineWaitMs: 0,
    backoff: { baseMs: 0, maxMs: 0 },
  }
  for (let authRefreshed = false; ; authRefreshed = true) {
    const headers: Record<string, string> = { accept: '*/*' }
    if (options.auth) headers.authorization = await options.auth.header()
    let res: AttemptResponse
    try {
      res = await sendAttempt({
        method: 'GET',
        url: url.href,
        headers,
        body: undefined,
        dispatcher: agent,
        timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        signal: options.signal,
        maxResponseBytes: options.maxBytes,
      })
    } catch (error) {
      if (error instanceof PayloadTooLargeError) {
        throw new PolicyRefusedError(`attachment exceeds ${options.maxBytes} bytes`, {
          details: { reason: 'too-large', maxBytes: options.maxBytes },
        })
      }
      // With no retries left this throws the classified error; the job queue retries.
      if (error instanceof TransportFailure) nextAfterFailure(error, { ...ctx, authRefreshed })
      throw error
    }
    if (res.status >= 300 && res.status < 400) {
      // Redirects could lead anywhere, past every check above.
      throw new PolicyRefusedError('download redirected; redirects are refused', {
        details: { reason: 'redirect', status: res.status },
      })
    }
    const next = nextAfterResponse(res, { ...ctx, authRefreshed, nowMs: Date.now() })
    if (next.kind === 'done') return res
    if (next.kind !== 'refresh-auth') throw new UnexpectedError('download retry not expected')
    await options.auth!.refresh()
  }
}

function toDownloaded(res: AttemptResponse, url: URL, options: SafeDownloadOptions): Downloaded {
  const mediaType =
    (res.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() ||
    'application/octet-stream'
  const allowed = options.allowedMediaTypes
  if (allowed && !allowed.some((rule) => mediaTypeMatches(mediaType, rule.toLowerCase()))) {
    throw new PolicyRefusedError('attachment media type is not allowed', {
      details: { reason: 'media-type', mediaType },
    })
  }
  const named = fileNameFromDisposition(res.headers['content-disposition']) ?? lastSegment(url)
  return {
    data: new Uint8Array(res.body),
    mediaType,
    ...(named ? { fileName: safeFileName(named) } : {}),
  }
}

function mediaTypeMatches(mediaType: string, rule: string): boolean {
  return rule.endsWith('/*') ? mediaType.startsWith(rule.slice(0, -1)) : mediaType === rule
}

/** `filename*=UTF-8''…` (RFC 8187) wins over `filename="…"` (RFC 6266). */
export function fileNameFromDisposition(header: string | undefined): string | undefined {
  if (!header) return undefined
  const extended = /filename\*\s*=\s*(?:utf-8|iso-8859-1)'[^']*'([^;]+)/i.exec(header)
  if (extended) {
    try {
      return decodeURIComponent(extended[1]!.trim())
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(header)
  return plain ? (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]) : undefined
}

function lastSegment(url: URL): string | undefined {
  const segment = url.pathname.split('/').filter(Boolean).pop()
  if (!segment) return undefined
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}
