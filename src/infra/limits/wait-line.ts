import type { Clock } from '../../core/ports/clock.ts'

/**
 * Takes up to `wanted` units now: `granted` of them (0 to `wanted`), and when that is fewer,
 * `waitMs` until trying again may take more. May be async (a round trip to Redis).
 */
export type TryTake = (wanted: number) => Take | Promise<Take>

export interface Take {
  readonly granted: number
  readonly waitMs: number
}

interface Waiter {
  readonly resolve: () => void
  readonly reject: (reason: unknown) => void
  readonly signal: AbortSignal | undefined
  readonly onAbort: () => void
}

/**
 * The callers waiting on one rate key in this process, served strictly in arrival order. One try
 * at a time asks for a unit for everyone in the line and lets through as many as it got, from
 * the head: callers arriving together cost one try (one Redis round trip), not one each. Between
 * tries the line sleeps for as long as `tryTake` said, so waiting never polls. A failing
 * `tryTake` rejects the head with its error and the line goes on.
 */
export class WaitLine {
  readonly #clock: Clock
  readonly #tryTake: TryTake
  readonly #onIdle: (() => void) | undefined
  readonly #queue: Waiter[] = []
  #pumping = false

  constructor(clock: Clock, tryTake: TryTake, onIdle?: () => void) {
    this.#clock = clock
    this.#tryTake = tryTake
    this.#onIdle = onIdle
  }

  /** Nobody waits and no try is under way. */
  get idle(): boolean {
    return this.#queue.length === 0 && !this.#pumping
  }

  wait(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const index = this.#queue.indexOf(waiter)
          if (index >= 0) this.#queue.splice(index, 1)
          reject(signal!.reason)
        },
      }
      signal?.addEventListener('abort', waiter.onAbort, { once: true })
      this.#queue.push(waiter)
      if (!this.#pumping) void this.#pump()
    })
  }

  async #pump(): Promise<void> {
    this.#pumping = true
    try {
      while (this.#queue.length > 0) {
        let take: Take
        try {
          take = await this.#tryTake(this.#queue.length)
        } catch (error) {
          this.#settleHead((waiter) => waiter.reject(error))
          continue
        }
        // Units granted for waiters who gave up while an async try was under way go unused.
        for (let i = 0; i < take.granted; i += 1) this.#settleHead((waiter) => waiter.resolve())
        if (take.granted === 0 || (this.#queue.length > 0 && take.waitMs > 0)) {
          await this.#clock.sleep(Math.max(1, take.waitMs))
        }
      }
    } finally {
      this.#pumping = false
      this.#onIdle?.()
    }
  }

  #settleHead(settle: (waiter: Waiter) => void): void {
    const waiter = this.#queue.shift()
    if (!waiter) return
    waiter.signal?.removeEventListener('abort', waiter.onAbort)
    settle(waiter)
  }
}
