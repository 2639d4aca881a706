import type { EmulatorClock } from './clock.ts'

/** A fixed-window request counter per key, for emulating documented throttling limits. */
export class RateWindow {
  readonly #counts = new Map<string, { windowStart: number; count: number }>()
  enabled = true

  readonly limit: number
  readonly windowMs: number
  readonly #clock: EmulatorClock

  constructor(limit: number, windowMs: number, clock: EmulatorClock) {
    this.limit = limit
    this.windowMs = windowMs
    this.#clock = clock
  }

  /** Returns 0 when allowed, else the seconds to wait (for Retry-After). */
  hit(key: string): number {
    if (!this.enabled) return 0
    const now = this.#clock.nowMs()
    const entry = this.#counts.get(key)
    if (!entry || now - entry.windowStart >= this.windowMs) {
      this.#counts.set(key, { windowStart: now, count: 1 })
      return 0
    }
    entry.count += 1
    if (entry.count <= this.limit) return 0
    return Math.max(1, Math.ceil((entry.windowStart + this.windowMs - now) / 1000))
  }
}
