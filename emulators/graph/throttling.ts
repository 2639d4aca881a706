import type { EmulatorClock } from '../kit/clock.ts'
import { RateWindow } from '../kit/rate-window.ts'

/** Request classes with their own documented limit. */
export type ThrottleClass =
  | 'chatMessage.get'
  | 'chatMessage.post'
  | 'channelMessage.get'
  | 'channelMessage.post'
  | 'teams.get'
  | 'teams.other'
  | 'presence'
  | 'outlook'
  | 'other'

export interface Limit {
  limit: number
  windowMs: number
}

// Per app per tenant, from https://learn.microsoft.com/graph/throttling-limits
// (Microsoft Teams service limits, presence, Outlook service limits). The docs changed these
// numbers several times; override them through `throttling.limits`.
export const DEFAULT_LIMITS: Record<ThrottleClass, Limit> = {
  'chatMessage.get': { limit: 20, windowMs: 1000 },
  'chatMessage.post': { limit: 20, windowMs: 1000 },
  'channelMessage.get': { limit: 20, windowMs: 1000 },
  'channelMessage.post': { limit: 50, windowMs: 1000 },
  'teams.get': { limit: 30, windowMs: 1000 },
  'teams.other': { limit: 30, windowMs: 1000 },
  // "1500 API requests in a 30 second period, per application per tenant"
  presence: { limit: 1500, windowMs: 30_000 },
  // "10,000 API requests in a 10 minute period" per app and mailbox
  outlook: { limit: 10_000, windowMs: 10 * 60_000 },
  // Global: 2000 requests per second per app.
  other: { limit: 2000, windowMs: 1000 },
}

// "A maximum of 4 requests per second per app can be issued on a given team or channel."
export const PER_TEAM_LIMIT: Limit = { limit: 4, windowMs: 1000 }

export interface ThrottleFault {
  /** Share of calls (0-100) answered 429 while the fault lasts. */
  percent: number
  retryAfterSeconds: number
  /** Emulator-clock time when the fault ends. */
  untilMs: number
  /** Only this route name (see README), or every route. */
  route?: string
}

export interface ThrottleScope {
  appId: string
  tenantId: string
  /** Mailbox owner for Outlook calls. */
  mailbox?: string
  /** Team for channel calls (per-team limit). */
  teamId?: string
}

/** Counts calls per app per tenant per class and answers with the seconds to wait, or 0. */
export class Throttler {
  readonly #windows = new Map<string, RateWindow>()
  readonly #limits: Record<ThrottleClass, Limit>
  readonly #clock: EmulatorClock
  readonly #random: () => number
  #fault: ThrottleFault | undefined
  enabled: boolean

  constructor(options: {
    clock: EmulatorClock
    random: () => number
    enabled?: boolean
    limits?: Partial<Record<ThrottleClass, Limit>>
  }) {
    this.#clock = options.clock
    this.#random = options.random
    this.enabled = options.enabled ?? true
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits }
  }

  setFault(fault: ThrottleFault | undefined): void {
    this.#fault = fault
  }

  check(cls: ThrottleClass, scope: ThrottleScope, route: string): number {
    const fault = this.#fault
    if (fault && this.#clock.nowMs() < fault.untilMs && (!fault.route || fault.route === route)) {
      if (this.#random() * 100 < fault.percent) return fault.retryAfterSeconds
    }
    if (!this.enabled) return 0
    const base = `${scope.appId}|${scope.tenantId}`
    const key = cls === 'outlook' ? `${base}|${scope.mailbox ?? ''}` : base
    const waits = [this.#window(cls, this.#limits[cls]).hit(key)]
    if (scope.teamId)
      waits.push(this.#window('team', PER_TEAM_LIMIT).hit(`${base}|${scope.teamId}`))
    return Math.max(...waits)
  }

  #window(name: string, limit: Limit): RateWindow {
    let window = this.#windows.get(name)
    if (!window) {
      window = new RateWindow(limit.limit, limit.windowMs, this.#clock)
      this.#windows.set(name, window)
    }
    return window
  }
}

/** Graph's 429 body (https://learn.microsoft.com/graph/throttling#sample-response). */
export function tooManyRequestsBody(date: Date, requestId: string): Record<string, unknown> {
  return {
    error: {
      code: 'TooManyRequests',
      innerError: {
        code: '429',
        date: date.toISOString().slice(0, 19),
        message: 'Please retry after',
        'request-id': requestId,
        status: '429',
      },
      message: 'Please retry again later.',
    },
  }
}
