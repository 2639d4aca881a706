import type { Clock } from '../../core/ports/clock.ts'

interface Sleeper {
  readonly wakeAtMs: number
  readonly resolve: () => void
}

/**
 * A Clock that moves only when told (tests): `sleep` resolves once `advance` passes its wake
 * time, so backoff and expiry can be tested in microseconds.
 */
export class ManualClock implements Clock {
  #nowMs: number
  #sleepers: Sleeper[] = []

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs
  }

  now(): Date {
    return new Date(this.#nowMs)
  }

  nowMs(): number {
    return this.#nowMs
  }

  /** Number of sleeps not yet woken (lets a test wait until a task is parked). */
  get pendingSleeps(): number {
    return this.#sleepers.length
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason)
    return new Promise<void>((resolve, reject) => {
      const sleeper: Sleeper = {
        wakeAtMs: this.#nowMs + Math.max(0, ms),
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        },
      }
      const onAbort = () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== sleeper)
        reject(signal!.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#sleepers.push(sleeper)
    })
  }

  /** Moves time forward and wakes every sleeper whose time has come, in wake order. */
  advance(ms: number): void {
    this.#nowMs += ms
    const due = this.#sleepers
      .filter((s) => s.wakeAtMs <= this.#nowMs)
      .sort((a, b) => a.wakeAtMs - b.wakeAtMs)
    this.#sleepers = this.#sleepers.filter((s) => s.wakeAtMs > this.#nowMs)
    for (const sleeper of due) sleeper.resolve()
  }
}
