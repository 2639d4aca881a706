import type { EmulatorClock } from '../../kit/clock.ts'

export interface RateDecision {
  readonly allowed: boolean
  readonly count: number
  readonly allowedPerWindow: number
  /** Seconds until the window resets (also the Retry-After when refused). */
  readonly resetSeconds: number
}

/**
 * `token.rate.per.minute` / `client.credentials.token.rate.per.minute`: 300 requests per token per
 * minute (https://developer.genesys.cloud/organization/organization/limits#platform-api, research §5.1).
 * Responses carry `inin-ratelimit-count/-allowed/-reset` (seen in a real capture in the Genesys
 * developer blog "Genesys Cloud SDK Configuration and Logging", 2021-05-06).
 */
export class TokenRateLimiter {
  enabled = true
  perMinute = 300
  readonly #windows = new Map<string, { startMs: number; count: number }>()
  readonly #clock: EmulatorClock

  constructor(clock: EmulatorClock) {
    this.#clock = clock
  }

  hit(token: string): RateDecision {
    const now = this.#clock.nowMs()
    let window = this.#windows.get(token)
    if (!window || now - window.startMs >= 60_000) {
      window = { startMs: now, count: 0 }
      this.#windows.set(token, window)
    }
    window.count += 1
    const resetSeconds = Math.max(1, Math.ceil((window.startMs + 60_000 - now) / 1000))
    const allowed = !this.enabled || window.count <= this.perMinute
    return { allowed, count: window.count, allowedPerWindow: this.perMinute, resetSeconds }
  }
}
