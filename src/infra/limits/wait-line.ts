import type { Clock } from '../../core/ports/clock.ts'

/**
 * Takes one unit now and returns 0, or returns how many milliseconds to wait before trying
 * again. May be async (a round trip to Redis).
 */
export type TryTake = () => number | Promise<number>

interface Waiter {
  readonly resolve: () => void
  readonly reject: (reason: unknown) => void
  readonly signal: AbortSignal | undefined
  readonly onAbort: () => void
}

/**
 * The callers waiting on one rate key in this process, served strictly in arrival order. Only
 * the head tries to take a unit; between tries the line sleeps for as long as `tryTake` said, so
 * waiting never polls. A failing `tryTake` rejects the head with its error and the line goes on.
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
        let waitMs: number
        try {
          waitMs = await this.#tryTake()
        } catch (error) {
          this.#settleHead((waiter) => waiter.reject(error))
          continue
        }
        if (waitMs > 0) {
          await this.#clock.sleep(waitMs)
          continue
        }
        // Had every waiter given up while an async try was under way, the unit goes unused.
        this.#settleHead((waiter) => waiter.resolve())
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
