import type { EmulatorClock } from '../kit/clock.ts'
import { RateWindow } from '../kit/rate-window.ts'

/**
 * Teams bot throttling (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit):
 * per bot per thread, send and create conversation 7/1 s, 8/2 s, 60/30 s, 1800/3600 s; get
 * members 14/1 s, 16/2 s, 120/30 s, 3600/3600 s. Per thread for all bots: send 14/1 s, 16/2 s;
 * get members 28/1 s, 32/2 s. "The global limit per app per tenant is 50 Requests Per Second (RPS)"
 * (30 in earlier versions of the page; the bridge's own default budget stays at 30).
 * Fixed windows here; the service's exact algorithm is not documented.
 */
const PER_BOT_THREAD = {
  send: [
    [7, 1],
    [8, 2],
    [60, 30],
    [1800, 3600],
  ],
  members: [
    [14, 1],
    [16, 2],
    [120, 30],
    [3600, 3600],
  ],
} as const
const PER_THREAD = {
  send: [
    [14, 1],
    [16, 2],
  ],
  members: [
    [28, 1],
    [32, 2],
  ],
} as const
const PER_APP_TENANT_RPS = 50

export type LimitKind = 'send' | 'members'

export class TeamsRateLimits {
  enabled = true
  readonly #windows: Array<{
    kind: LimitKind | 'all'
    scope: 'bot' | 'thread' | 'app'
    w: RateWindow
  }>

  constructor(clock: EmulatorClock) {
    const make = (limit: number, seconds: number) => new RateWindow(limit, seconds * 1000, clock)
    this.#windows = [
      ...(['send', 'members'] as const).flatMap((kind) => [
        ...PER_BOT_THREAD[kind].map(([n, s]) => ({ kind, scope: 'bot' as const, w: make(n, s) })),
        ...PER_THREAD[kind].map(([n, s]) => ({ kind, scope: 'thread' as const, w: make(n, s) })),
      ]),
      { kind: 'all', scope: 'app', w: make(PER_APP_TENANT_RPS, 1) },
    ]
  }

  /** Counts one call; returns 0 when allowed, else the seconds to wait (Retry-After). */
  hit(kind: LimitKind, appId: string, tenantId: string, thread: string): number {
    if (!this.enabled) return 0
    let wait = 0
    for (const { kind: k, scope, w } of this.#windows) {
      if (k !== kind && k !== 'all') continue
      const key =
        scope === 'bot'
          ? `${appId}|${thread}`
          : scope === 'thread'
            ? thread
            : `${appId}|${tenantId}`
      wait = Math.max(wait, w.hit(key))
    }
    return wait
  }
}
