export interface BackoffOptions {
  readonly baseMs: number
  readonly maxMs: number
}

export const defaultBackoff: BackoffOptions = { baseMs: 1000, maxMs: 5 * 60 * 1000 }

/**
 * Delay before attempt `attempt + 1`: exponential from `baseMs`, capped at `maxMs`, with
 * "equal jitter" (half fixed, half random) so retries of many lanes spread out yet never come
 * sooner than half the step. A remote's Retry-After wins when it asks for longer.
 */
export function retryDelayMs(
  attempt: number,
  backoff: BackoffOptions,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const step = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1))
  const jittered = Math.round(step / 2 + (random() * step) / 2)
  return Math.max(retryAfterMs ?? 0, jittered)
}
