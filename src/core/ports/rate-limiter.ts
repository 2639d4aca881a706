/**
 * Budgets per remote key (e.g. `graph:{appId}:{tenantId}`, `genesys:{clientId}`). The key's
 * prefix (up to the first `:`) selects the budget the implementation was configured with. The
 * embedded limiter counts in this process; the scaled one (Redis) counts once for the fleet.
 */
export interface RateLimiter {
  /**
   * Waits until the key has budget left (and any Retry-After has passed), then takes one unit.
   * Rejects with the signal's reason when aborted, and with a retryable error when the shared
   * budget cannot be read (Redis unreachable).
   */
  acquire(key: string, signal?: AbortSignal): Promise<void>
  /**
   * The remote said "slow down": nobody on this key sends before `retryAfterMs` (fractions
   * allowed) from now. A shorter pause never shortens a longer one. Resolves once every process
   * will see the pause; never rejects (a pause that could not be shared is logged).
   */
  pause(key: string, retryAfterMs: number): Promise<void>
}

export interface RateBudget {
  readonly limit: number
  readonly intervalMs: number
}
