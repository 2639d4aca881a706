/** A fault the emulator applies to the next matching requests, then forgets. */
export interface Fault {
  /** Route name as documented in the emulator's README (e.g. `genesys.inbound.message`), or `*`. */
  readonly route: string
  readonly status?: number
  readonly retryAfterSeconds?: number
  /** Added before answering (or before the fault's status). */
  readonly latencyMs?: number
  /** Hang up without answering (a timeout as the client sees it). */
  readonly drop?: boolean
  /** How many requests it applies to (default 1). */
  readonly times?: number
  readonly body?: unknown
}

export class FaultInjector {
  readonly #faults: Array<Fault & { remaining: number }> = []

  add(fault: Fault): void {
    this.#faults.push({ ...fault, remaining: fault.times ?? 1 })
  }

  clear(): void {
    this.#faults.length = 0
  }

  /** Returns the fault for this request, consuming one use of it. */
  take(route: string): Fault | undefined {
    const index = this.#faults.findIndex((f) => f.route === route || f.route === '*')
    if (index < 0) return undefined
    const fault = this.#faults[index]!
    fault.remaining -= 1
    if (fault.remaining <= 0) this.#faults.splice(index, 1)
    return fault
  }

  list(): readonly Fault[] {
    return this.#faults
  }
}
