/**
 * Budgets per remote key (e.g. `graph:{appId}:{tenantId}`, `genesys:{clientId}`). The key's
 * prefix (up to the first `:`) selects the budget the implementation was configured with.
 */
export interface RateLimiter {
  /** Waits until the key has budget left (and any Retry-After has passed), then takes one unit. */
  acquire(key: string, signal?: AbortSignal): Promise<void>
  /** The remote said "slow down": nobody on this key sends before `retryAfterMs` from now. */
  pause(key: string, retryAfterMs: number): void
}

export interface RateBudget {
  readonly limit: number
  readonly intervalMs: number
}
