export type DeliveryKind = 'validation' | 'notification' | 'lifecycle'

/**
 * One attempt to reach a subscriber, or a notification that was never sent (`dropped`).
 * `gave-up` marks the last attempt of a delivery whose retry window ran out.
 */
export interface DeliveryAttempt {
  readonly deliveryId: string
  readonly kind: DeliveryKind
  readonly url: string
  readonly subscriptionIds: readonly string[]
  /** 1 for the first try; 0 for notifications dropped before any try. */
  readonly attempt: number
  readonly at: string
  readonly status: number | undefined
  readonly latencyMs: number
  /** Answered after 2900 ms, or not at all: Graph counts these against the endpoint. */
  readonly slow: boolean
  readonly outcome: 'delivered' | 'failed' | 'retry-scheduled' | 'gave-up' | 'dropped'
  readonly error?: string
  /** What was POSTed (a batch shares one body); undefined when nothing was sent. */
  readonly payload: unknown
  /** Change notifications: this notification's own item of the body's `value`. */
  readonly item?: unknown
}

export class DeliveryLog {
  readonly #attempts: DeliveryAttempt[] = []

  record(attempt: DeliveryAttempt): void {
    this.#attempts.push(attempt)
  }

  list(): DeliveryAttempt[] {
    return [...this.#attempts]
  }

  clear(): void {
    this.#attempts.length = 0
  }
}
