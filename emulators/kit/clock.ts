/**
 * Real time plus an offset the control API can advance, so expiries can be tested quickly. A
 * test that checks per-second limits can `freeze()` it, so a slow machine cannot move it.
 */
export class EmulatorClock {
  #offsetMs = 0
  #frozenAtMs: number | undefined

  nowMs(): number {
    return this.#frozenAtMs ?? Date.now() + this.#offsetMs
  }

  now(): Date {
    return new Date(this.nowMs())
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000)
  }

  advance(ms: number): void {
    if (this.#frozenAtMs !== undefined) this.#frozenAtMs += ms
    else this.#offsetMs += ms
  }

  /** Stops the clock where it is; only `advance` moves it until `unfreeze()`. */
  freeze(): void {
    this.#frozenAtMs = this.nowMs()
  }

  unfreeze(): void {
    if (this.#frozenAtMs === undefined) return
    this.#offsetMs = this.#frozenAtMs - Date.now()
    this.#frozenAtMs = undefined
  }
}
