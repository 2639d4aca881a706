import type { Clock } from './ports/clock.ts'

/**
 * Values kept for `ttlMs` of the clock's time after they were set, at most `limit` of them (past
 * the limit it starts over rather than track an order). For the short in-process caches in front
 * of a store or a remote: integration and route lookups, directory entries.
 */
export class ExpiringMap<K, V> {
  readonly #entries = new Map<K, { readonly at: number; readonly value: V }>()
  readonly #clock: Clock
  readonly #ttlMs: number
  readonly #limit: number

  constructor(clock: Clock, ttlMs: number, limit = Number.POSITIVE_INFINITY) {
    this.#clock = clock
    this.#ttlMs = ttlMs
    this.#limit = limit
  }

  /** The entry set less than `ttlMs` ago (a stored `undefined` too), or undefined. */
  find(key: K): { readonly value: V } | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    if (this.#clock.nowMs() - entry.at < this.#ttlMs) return entry
    this.#entries.delete(key)
    return undefined
  }

  set(key: K, value: V): void {
    if (!this.#entries.has(key) && this.#entries.size >= this.#limit) this.#entries.clear()
    this.#entries.set(key, { at: this.#clock.nowMs(), value })
  }

  delete(key: K): void {
    this.#entries.delete(key)
  }

  clear(): void {
    this.#entries.clear()
  }
}
