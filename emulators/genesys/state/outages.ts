import type { EmulatorClock } from '../../kit/clock.ts'
import type { Outage } from '../types.ts'

interface ActiveOutage extends Outage {
  readonly untilMs: number
}

/** Time-boxed failures ("Genesys answers 503 for the next 30 s"), measured on the emulator clock. */
export class OutageBook {
  #active: ActiveOutage[] = []
  readonly #clock: EmulatorClock

  constructor(clock: EmulatorClock) {
    this.#clock = clock
  }

  add(outage: Outage): void {
    if (!outage.drop && !outage.status) throw new Error('an outage needs a status or drop')
    this.#active.push({ ...outage, untilMs: this.#clock.nowMs() + outage.durationMs })
  }

  clear(): void {
    this.#active = []
  }

  current(route: string): Outage | undefined {
    const now = this.#clock.nowMs()
    this.#active = this.#active.filter((o) => o.untilMs > now)
    return this.#active.find((o) => o.route === route || o.route === '*')
  }
}
