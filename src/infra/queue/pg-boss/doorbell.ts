import { once } from 'node:events'

/**
 * Lets a polling loop nap until it is rung or `napMs` passes. A ring while the loop is awake is
 * remembered, so work announced between two naps is never slept through.
 */
export class Doorbell {
  readonly #bell = new EventTarget()
  #rung = false

  ring(): void {
    this.#rung = true
    this.#bell.dispatchEvent(new Event('ring'))
  }

  async nap(napMs: number): Promise<void> {
    if (!this.#rung) {
      const alarm = new AbortController()
      const timer = setTimeout(() => alarm.abort(), napMs)
      await once(this.#bell, 'ring', { signal: alarm.signal }).catch(() => {})
      clearTimeout(timer)
    }
    this.#rung = false
  }
}
