import type { Clock } from '../../core/ports/clock.ts'
import type { RateBudget, RateLimiter } from '../../core/ports/rate-limiter.ts'
import { budgetFor, type RateBudgets } from './budgets.ts'
import { WaitLine } from './wait-line.ts'

interface KeyState {
  readonly budget: RateBudget | undefined
  tokens: number
  refilledAtMs: number
  pausedUntilMs: number
  readonly line: WaitLine
}

export interface MemoryRateLimiterOptions {
  /** Budget per key prefix (the part of the key before the first `:`). */
  readonly budgets: RateBudgets
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
      const budget = budgetFor(options.budgets, key)
      const created: KeyState = {
        budget,
        tokens: budget?.limit ?? 0,
        refilledAtMs: clock.nowMs(),
        pausedUntilMs: 0,
        line: new WaitLine(clock, () => tryTake(created)),
      }
      state = created
      keys.set(key, state)
    }
    return state
  }

  /** Takes a unit and returns 0, or returns the milliseconds until one may be taken. */
  const tryTake = (state: KeyState): number => {
    const now = clock.nowMs()
    const paused = Math.max(0, state.pausedUntilMs - now)
    const { budget } = state
    if (!budget) return paused
    const perMs = budget.limit / budget.intervalMs
    state.tokens = Math.min(budget.limit, state.tokens + (now - state.refilledAtMs) * perMs)
    state.refilledAtMs = now
    const refill = state.tokens >= 1 ? 0 : Math.ceil((1 - state.tokens) / perMs)
    const wait = Math.max(paused, refill)
    if (wait === 0) state.tokens -= 1
    return wait
  }

  return {
    acquire: (key, signal) => stateOf(key).line.wait(signal),

    async pause(key, retryAfterMs) {
      const state = stateOf(key)
      const until = clock.nowMs() + Math.max(0, retryAfterMs)
      state.pausedUntilMs = Math.max(state.pausedUntilMs, until)
    },
  }
}
