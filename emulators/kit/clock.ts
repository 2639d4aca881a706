/** Real time plus an offset the control API can advance, so expiries can be tested quickly. */
export class EmulatorClock {
  #offsetMs = 0

  nowMs(): number {
    return Date.now() + this.#offsetMs
  }

  now(): Date {
    return new Date(this.nowMs())
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000)
  }

  advance(ms: number): void {
    this.#offsetMs += ms
  }
}
