export type CircuitState = 'closed' | 'half-open' | 'open'

/**
 * Fails fast on a remote key that keeps failing (implementation: infra/limits). Closed → open
 * after N consecutive failures → half-open (one trial) after a cool-down.
 */
export interface CircuitBreaker {
  /**
   * May a request to `key` go now? In half-open state exactly one trial is let through; the
   * caller must then report `success`, `failure` or `cancel` for it.
   */
  allow(key: string): boolean
  /** The remote answered (even with a 4xx): it is up. */
  success(key: string): void
  /** The remote failed the way an outage does (5xx, connection error, timeout). */
  failure(key: string): void
  /** The attempt ended without a verdict (e.g. the caller aborted): frees the trial slot. */
  cancel(key: string): void
  state(key: string): CircuitState
  /** Milliseconds until an open circuit lets a trial through (0 when not open). */
  retryInMs(key: string): number
}
