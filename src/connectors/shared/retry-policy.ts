/** Retry timing shared by the HTTP client and downloads. */

/**
 * `Retry-After` as milliseconds from now: delay-seconds (fractions such as `1.5` accepted, as
 * some gateways send them) or an HTTP-date (RFC 9110 §10.2.3). Undefined when absent or
 * unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000)
  if (!/[a-z]/i.test(text)) return undefined
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs)
}

export interface BackoffOptions {
  readonly baseMs: number
  readonly maxMs: number
  readonly random?: () => number
}

/**
 * Exponential backoff with full jitter: uniform in [0, min(max, base·2^attempt)), which
 * spreads retries of many callers best (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"). `attempt` is 0 for the first retry.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt)
  return Math.floor((options.random ?? Math.random)() * ceiling)
}
