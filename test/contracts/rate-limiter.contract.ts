import { randomUUID } from 'node:crypto'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { RateLimiter } from '../../src/core/ports/rate-limiter.ts'
import type { RateBudgets } from '../../src/infra/limits/budgets.ts'

/** Budgets every implementation is opened with: `two:` keys may send 2 per 400 ms. */
export const CONTRACT_BUDGETS: RateBudgets = {
  two: { limit: 2, intervalMs: 400 },
  one: { limit: 1, intervalMs: 1_000 },
  slow: { limit: 2, intervalMs: 600_000 },
}

export interface LimiterWorld {
  /** The limiter of "this process". */
  readonly limiter: RateLimiter
  /** The limiter of another process sharing the budgets (embedded: the same one). */
  readonly peer: RateLimiter
  /** The time budgets run on, in milliseconds. */
  now(): number
  /** Lets at least `ms` pass (a manual clock steps through it; real time sleeps). */
  advance(ms: number): Promise<void>
  close(): Promise<void>
}

/** Opens a limiter (and its peer) with `budgets`, on keys no other test uses. */
export type LimiterFactory = (budgets: RateBudgets) => Promise<LimiterWorld>

/** Timer and clock granularity: a grant may be recorded this much before its ideal time. */
const SLACK_MS = 3

/** The behaviour every RateLimiter must show; run once per implementation. */
export function describeRateLimiterContract(name: string, factory: LimiterFactory): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let world: LimiterWorld
    beforeEach(async () => {
      world = await factory(CONTRACT_BUDGETS)
    })
    afterEach(() => world.close())

    const key = (prefix: string) => `${prefix}:${randomUUID()}`
    /** Resolves to the time the grant arrived (or rejects like the acquire). */
    const timed = (limiter: RateLimiter, k: string, signal?: AbortSignal) =>
      limiter.acquire(k, signal).then(() => world.now())

    /** The k-th grant (0-based, in time order) may not come before the budget allows. */
    const expectWithinBudget = (times: number[], start: number, limit: number, every: number) => {
      const sorted = [...times].sort((a, b) => a - b)
      sorted.forEach((t, k) => {
        const earliest = start + Math.max(0, k - limit + 1) * every
        expect(t, `grant ${k}`).toBeGreaterThanOrEqual(earliest - SLACK_MS)
      })
    }

    it('lets a burst of `limit` through, then one unit per interval / limit', async () => {
      const k = key('two')
      const start = world.now()
      const grants = Array.from({ length: 5 }, () => timed(world.limiter, k))
      await world.advance(900)
      const times = await Promise.all(grants)
      expectWithinBudget(times, start, 2, 200)
      expect(Math.min(...times)).toBeLessThan(start + 200) // the burst did not wait for a refill
    })

    it('counts one budget across processes', async () => {
      const k = key('two')
      const start = world.now()
      const grants = [0, 1, 2, 3, 4, 5].map((i) =>
        timed(i % 2 === 0 ? world.limiter : world.peer, k),
      )
      await world.advance(1_100)
      expectWithinBudget(await Promise.all(grants), start, 2, 200)
    })

    it('keeps one budget per full key and does not limit keys without a budget', async () => {
      const [a, b] = [key('slow'), key('slow')]
      let done = 0
      const count = (p: Promise<void>) => p.then(() => void (done += 1))
      const all = Promise.all([
        ...[a, a, b, b].map((k) => count(world.limiter.acquire(k))),
        ...Array.from({ length: 30 }, () => count(world.peer.acquire(key('unbudgeted')))),
      ])
      await world.advance(300)
      await all
      expect(done).toBe(34) // a third grant on a `slow` key would have waited five minutes
    })

    it('holds every process and every key kind during a pause, then lets them go', async () => {
      const [limited, free] = [key('two'), key('unbudgeted')]
      const start = world.now()
      await world.limiter.pause(limited, 300)
      await world.peer.pause(free, 300)
      const held = [
        timed(world.limiter, limited),
        timed(world.peer, limited),
        timed(world.limiter, free),
        timed(world.peer, free),
      ]
      const other = await timed(world.peer, key('two'))
      expect(other).toBeLessThan(start + 300)
      await world.advance(400)
      for (const t of await Promise.all(held)) {
        expect(t).toBeGreaterThanOrEqual(start + 300 - SLACK_MS)
        expect(t).toBeLessThan(start + 1_500) // released when the pause ends, not much later
      }
    })

    it('never lets a shorter pause shorten a longer one', async () => {
      const k = key('two')
      const start = world.now()
      await world.peer.pause(k, 500)
      await world.limiter.pause(k, 100)
      const grant = timed(world.limiter, k)
      await world.advance(600)
      expect(await grant).toBeGreaterThanOrEqual(start + 500 - SLACK_MS)
    })

    it('takes a fractional Retry-After as given', async () => {
      const k = key('two')
      const start = world.now()
      await world.peer.pause(k, 150.6)
      const grant = timed(world.limiter, k)
      await world.advance(250)
      expect(await grant).toBeGreaterThanOrEqual(start + 150 - SLACK_MS)
      await world.limiter.pause(k, 0.4) // under a millisecond: a pause all the same, never an error
      const next = timed(world.peer, k)
      await world.advance(50)
      await next
    })

    it('rejects at once when the signal is already aborted', async () => {
      const reason = new Error('caller gave up')
      await expect(world.limiter.acquire(key('two'), AbortSignal.abort(reason))).rejects.toBe(
        reason,
      )
    })

    it('rejects an aborted waiter with its reason and serves the next one in its place', async () => {
      const k = key('one')
      const start = world.now()
      await world.limiter.acquire(k)
      const controller = new AbortController()
      const aborted = timed(world.limiter, k, controller.signal)
      const next = timed(world.limiter, k)
      const reason = new Error('job cancelled')
      controller.abort(reason)
      await expect(aborted).rejects.toBe(reason)
      await world.advance(1_100)
      const t = await next
      expect(t).toBeGreaterThanOrEqual(start + 1_000 - SLACK_MS)
      // Had the aborted waiter used the unit refilled at 1 s, this grant would come at 2 s.
      expect(t).toBeLessThan(start + 1_900)
    })

    it('rejects a waiter aborted during a pause', async () => {
      const k = key('unbudgeted')
      await world.peer.pause(k, 10_000)
      const controller = new AbortController()
      const waiting = world.limiter.acquire(k, controller.signal)
      await world.advance(20)
      controller.abort(new Error('shutting down'))
      await expect(waiting).rejects.toThrow('shutting down')
    })
  })
}
