import type { EmulatorClock } from '../../kit/clock.ts'

// Graph's slow-endpoint rules (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#throttling-of-slow-endpoints):
// answers after 2900 ms are slow; once an endpoint has 100 answers in the current 10-minute
// window, >= 10 % slow throttles it (10-minute delays) and >= 15 % drops its notifications.
export const SLOW_RESPONSE_MS = 2900
const MIN_SAMPLE = 100
const WINDOW_MS = 10 * 60_000
const THROTTLE_RATIO = 0.1
const DROP_RATIO = 0.15

export type EndpointState = 'normal' | 'throttled' | 'dropping'

export class SlowEndpointMonitor {
  readonly #stats = new Map<string, { windowStart: number; total: number; slow: number }>()
  readonly #clock: EmulatorClock

  constructor(clock: EmulatorClock) {
    this.#clock = clock
  }

  record(url: string, slow: boolean): void {
    const stats = this.#window(url)
    stats.total += 1
    if (slow) stats.slow += 1
  }

  state(url: string): EndpointState {
    const stats = this.#window(url)
    if (stats.total < MIN_SAMPLE) return 'normal'
    const ratio = stats.slow / stats.total
    if (ratio >= DROP_RATIO) return 'dropping'
    return ratio >= THROTTLE_RATIO ? 'throttled' : 'normal'
  }

  #window(url: string) {
    const key = endpointKey(url)
    const now = this.#clock.nowMs()
    let stats = this.#stats.get(key)
    if (!stats || now - stats.windowStart >= WINDOW_MS) {
      stats = { windowStart: now, total: 0, slow: 0 }
      this.#stats.set(key, stats)
    }
    return stats
  }
}

const endpointKey = (url: string): string => {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}
