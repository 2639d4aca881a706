import type { Clock } from '../../core/ports/clock.ts'
import type { RateBudget, RateLimiter } from '../../core/ports/rate-limiter.ts'

interface Waiter {
  readonly resolve: () => void
  readonly signal: AbortSignal | undefined
  readonly onAbort: () => void
}

interface KeyState {
  readonly budget: RateBudget | undefined
  tokens: number
  refilledAtMs: number
  pausedUntilMs: number
  readonly queue: Waiter[]
  pumping: boolean
}

export interface MemoryRateLimiterOptions {
  /** Budget per key prefix (the part of the key before the first `:`). */
  readonly budgets: Readonly<Record<string, RateBudget>>
  readonly clock: Clock
}

/**
 * A token bucket per full key, in this process only (the scaled deployment uses Redis). A
 * bucket holds `limit` units and refills `limit` per `intervalMs`, so a quiet key may burst up
 * to `limit` and then runs at the budgeted rate. Waiters on one key are served strictly in
 * arrival order. Keys whose prefix has no budget are not limited, but `pause` still holds them.
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions): RateLimiter {
  const { clock } = options
  const keys = new Map<string, KeyState>()

  const stateOf = (key: string): KeyState => {
    let state = keys.get(key)
    if (!state) {
      const budget = options.budgets[prefixOf(key)]
      state = {
        budget,
        tokens: budget?.limit ?? 0,
        refilledAtMs: clock.nowMs(),
        pausedUntilMs: 0,
        queue: [],
        pumping: false,
      }
      keys.set(key, state)
    }
    return state
  }

  /** Milliseconds until one unit may be taken (0: now); refills the bucket first. */
  const waitMs = (state: KeyState): number => {
    const now = clock.nowMs()
    const paused = Math.max(0, state.pausedUntilMs - now)
    const { budget } = state
    if (!budget) return paused
    const perMs = budget.limit / budget.intervalMs
    state.tokens = Math.min(budget.limit, state.tokens + (now - state.refilledAtMs) * perMs)
    state.refilledAtMs = now
    const refill = state.tokens >= 1 ? 0 : Math.ceil((1 - state.tokens) / perMs)
    return Math.max(paused, refill)
  }

  const take = (state: KeyState) => {
    if (state.budget) state.tokens -= 1
  }

  const pump = async (state: KeyState) => {
    state.pumping = true
    try {
      while (state.queue.length > 0) {
        const wait = waitMs(state)
        if (wait > 0) {
          await clock.sleep(wait)
          continue
        }
        const waiter = state.queue.shift()!
        waiter.signal?.removeEventListener('abort', waiter.onAbort)
        take(state)
        waiter.resolve()
      }
    } finally {
      state.pumping = false
    }
  }

  return {
    acquire(key, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason)
      const state = stateOf(key)
      if (state.queue.length === 0 && waitMs(state) === 0) {
        take(state)
        return Promise.resolve()
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          signal,
          onAbort: () => {
            const index = state.queue.indexOf(waiter)
            if (index >= 0) state.queue.splice(index, 1)
            reject(signal!.reason)
          },
        }
        signal?.addEventListener('abort', waiter.onAbort, { once: true })
        state.queue.push(waiter)
        if (!state.pumping) void pump(state)
      })
    },

    pause(key, retryAfterMs) {
      const state = stateOf(key)
      const until = clock.nowMs() + Math.max(0, retryAfterMs)
      state.pausedUntilMs = Math.max(state.pausedUntilMs, until)
    },
  }
}

function prefixOf(key: string): string {
  const colon = key.indexOf(':')
  return colon < 0 ? key : key.slice(0, colon)
}
