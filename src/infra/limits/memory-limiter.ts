import type { Clock } from '../../core/ports/clock.ts'
import type { RateBudget, RateLimiter } from '../../core/ports/rate-limiter.ts'
import { budgetFor, type RateBudgets } from './budgets.ts'
import { type Take, WaitLine } from './wait-line.ts'

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
        line: new WaitLine(clock, (wanted) => tryTake(created, wanted)),
      }
      state = created
      keys.set(key, state)
    }
    return state
  }

  /** Takes up to `wanted` units; when fewer, also the milliseconds until one may be taken. */
  const tryTake = (state: KeyState, wanted: number): Take => {
    const now = clock.nowMs()
    const paused = Math.max(0, state.pausedUntilMs - now)
    if (paused > 0) return { granted: 0, waitMs: paused }
    const { budget } = state
    if (!budget) return { granted: wanted, waitMs: 0 }
    const perMs = budget.limit / budget.intervalMs
    state.tokens = Math.min(budget.limit, state.tokens + (now - state.refilledAtMs) * perMs)
    state.refilledAtMs = now
    const granted = Math.min(wanted, Math.floor(state.tokens))
    state.tokens -= granted
    return { granted, waitMs: granted < wanted ? Math.ceil((1 - state.tokens) / perMs) : 0 }
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
