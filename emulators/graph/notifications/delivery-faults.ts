/** Misbehaviour of the notification pipeline that tests can switch on. */
export interface NotificationFaults {
  /** Send this share (0-100) of notifications twice. */
  duplicatePercent?: number
  /** Never send this share (0-100) of notifications (logged as dropped). */
  dropPercent?: number
  /** Hold notifications until this many are queued, then send them newest first. */
  reorderWindow?: number
  /**
   * Hold this share (0-100) of notifications until the next one of the same subscription is
   * queued, and send that one first (a held one goes alone after `reorderHoldMs`).
   */
  reorderPercent?: number
  /** How long a `reorderPercent` notification waits for the next one (default 1000 ms). */
  reorderHoldMs?: number
}

/** A deterministic PRNG (mulberry32) so percentage faults can be replayed with a seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class DeliveryFaults {
  faults: NotificationFaults = {}
  /** Attempts to fail without sending, as if the network were down. */
  #failures = 0
  readonly #random: () => number

  constructor(random: () => number) {
    this.#random = random
  }

  failNext(count: number): void {
    this.#failures += count
  }

  /** Consumes one injected failure if any remain. */
  takeFailure(): boolean {
    if (this.#failures <= 0) return false
    this.#failures -= 1
    return true
  }

  shouldDrop(): boolean {
    return this.#roll(this.faults.dropPercent)
  }

  shouldDuplicate(): boolean {
    return this.#roll(this.faults.duplicatePercent)
  }

  shouldSwap(): boolean {
    return this.#roll(this.faults.reorderPercent)
  }

  #roll(percent: number | undefined): boolean {
    return percent !== undefined && percent > 0 && this.#random() * 100 < percent
  }
}
