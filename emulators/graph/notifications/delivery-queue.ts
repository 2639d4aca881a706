import { randomUUID } from 'node:crypto'

import type { EmulatorClock } from '../../kit/clock.ts'
import type { DeliveryFaults } from './delivery-faults.ts'
import type { DeliveryAttempt, DeliveryLog } from './delivery-log.ts'
import { type PostResult, postToSubscriber } from './http-post.ts'
import { SLOW_RESPONSE_MS, type SlowEndpointMonitor } from './slow-endpoints.ts'

export interface DeliveryOptions {
  /** Graph publishes with a 3-second client timeout. */
  timeoutMs: number
  /** First retry delay; doubles per attempt up to `retryMaxDelayMs`. */
  retryBaseMs: number
  retryMaxDelayMs: number
  /** Graph retries "for up to 4 hours", then discards the notification. */
  retryWindowMs: number
}

// https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#receive-notifications:
// 2xx within 3 s or Graph retries for up to 4 hours. The backoff itself is not documented.
export const DEFAULT_DELIVERY: DeliveryOptions = {
  timeoutMs: 3_000,
  retryBaseMs: 15_000,
  retryMaxDelayMs: 10 * 60_000,
  retryWindowMs: 4 * 60 * 60_000,
}

// Throttled (slow) endpoints get their notifications 10 minutes late.
const THROTTLE_DELAY_MS = 10 * 60_000

interface Pending {
  readonly deliveryId: string
  readonly kind: 'notification' | 'lifecycle'
  readonly url: string
  readonly payload: unknown
  readonly subscriptionIds: readonly string[]
  readonly firstAt: number
  attempt: number
  dueAt: number
  throttled: boolean
}

/**
 * Sends notifications with Graph's retry and slow-endpoint rules, on the emulator clock: a
 * clock `advance` followed by `pump()` makes due retries happen at once. One endpoint URL
 * receives one POST at a time, in queue order.
 */
export class DeliveryQueue {
  readonly #pending: Pending[] = []
  readonly #chains = new Map<string, Promise<void>>()
  readonly #inFlight = new Set<Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #closed = false

  readonly deps: {
    clock: EmulatorClock
    log: DeliveryLog
    monitor: SlowEndpointMonitor
    faults: DeliveryFaults
    options: DeliveryOptions
  }
  /** Notifications held back by the reorder fault. */
  readonly #held: Pending[] = []
  #heldTimer: NodeJS.Timeout | undefined

  constructor(deps: DeliveryQueue['deps']) {
    this.deps = deps
  }

  /** Queues a delivery; notifications pass the drop / duplicate / reorder faults first. */
  enqueue(kind: Pending['kind'], url: string, payload: unknown, subscriptionIds: string[]): void {
    const item = this.#newItem(kind, url, payload, subscriptionIds)
    const { faults } = this.deps
    if (kind === 'notification' && faults.shouldDrop()) {
      return this.#record(item, 0, 'dropped', undefined, 'injected drop')
    }
    const copies = kind === 'notification' && faults.shouldDuplicate() ? 2 : 1
    for (let i = 0; i < copies; i += 1) {
      const copy = i === 0 ? item : this.#newItem(kind, url, payload, subscriptionIds)
      const window = faults.faults.reorderWindow ?? 0
      if (kind === 'notification' && window > 1) {
        this.#held.push(copy)
        if (this.#held.length >= window) this.flushHeld()
        else this.#armHeld()
      } else {
        this.#pending.push(copy)
      }
    }
    this.pump()
  }

  /** Releases notifications held by the reorder fault, newest first. */
  flushHeld(): void {
    clearTimeout(this.#heldTimer)
    this.#heldTimer = undefined
    const held = this.#held.splice(0).reverse()
    const now = this.deps.clock.nowMs()
    for (const item of held) this.#pending.push({ ...item, firstAt: now, dueAt: now })
    this.pump()
  }

  #newItem(
    kind: Pending['kind'],
    url: string,
    payload: unknown,
    subscriptionIds: string[],
  ): Pending {
    const now = this.deps.clock.nowMs()
    return {
      deliveryId: randomUUID(),
      kind,
      url,
      payload,
      subscriptionIds,
      firstAt: now,
      attempt: 0,
      dueAt: now,
      throttled: false,
    }
  }

  /** Starts every delivery that is due now and re-arms the timer for the next one. */
  pump(): void {
    if (this.#closed) return
    const now = this.deps.clock.nowMs()
    const due = this.#pending.filter((p) => p.dueAt <= now)
    for (const item of due) {
      this.#pending.splice(this.#pending.indexOf(item), 1)
      this.#chain(item)
    }
    this.#arm()
  }

  /** Resolves when nothing is being sent and nothing is due. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight])
  }

  pendingCount(): number {
    return this.#pending.length
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    clearTimeout(this.#heldTimer)
  }

  #chain(item: Pending): void {
    const previous = this.#chains.get(item.url) ?? Promise.resolve()
    // A bug in one attempt must not break the endpoint's chain or reject unobserved.
    const run = previous
      .then(() => this.#attempt(item))
      .catch((err: unknown) =>
        this.#record(item, 0, 'gave-up', undefined, `emulator error: ${String(err)}`),
      )
    this.#chains.set(item.url, run)
    this.#inFlight.add(run)
    void run.finally(() => {
      this.#inFlight.delete(run)
      if (this.#chains.get(item.url) === run) this.#chains.delete(item.url)
    })
  }

  async #attempt(item: Pending): Promise<void> {
    if (this.#closed) return
    const { clock, monitor, faults, options } = this.deps
    const endpoint = monitor.state(item.url)
    if (endpoint === 'dropping') {
      return this.#record(
        item,
        0,
        'dropped',
        undefined,
        'endpoint flagged slow (>= 15% slow answers)',
      )
    }
    if (endpoint === 'throttled' && !item.throttled) {
      item.throttled = true
      return this.#reschedule(item, clock.nowMs() + THROTTLE_DELAY_MS)
    }
    item.attempt += 1
    const result: PostResult = faults.takeFailure()
      ? {
          status: undefined,
          contentType: undefined,
          text: '',
          latencyMs: 0,
          error: 'injected delivery failure',
        }
      : await postToSubscriber(
          item.url,
          JSON.stringify(item.payload),
          'application/json; charset=utf-8',
          options.timeoutMs,
        )
    const slow = result.status === undefined || result.latencyMs > SLOW_RESPONSE_MS
    if (result.error !== 'injected delivery failure') monitor.record(item.url, slow)
    if (result.status !== undefined && result.status >= 200 && result.status < 300) {
      return this.#record(item, result.latencyMs, 'delivered', result.status, undefined, slow)
    }
    const delay = Math.min(options.retryMaxDelayMs, options.retryBaseMs * 2 ** (item.attempt - 1))
    const next = clock.nowMs() + delay
    const error = result.error ?? `answered ${result.status}`
    if (next - item.firstAt > options.retryWindowMs) {
      return this.#record(item, result.latencyMs, 'gave-up', result.status, error, slow)
    }
    this.#record(item, result.latencyMs, 'retry-scheduled', result.status, error, slow)
    this.#reschedule(item, next)
  }

  #reschedule(item: Pending, dueAt: number): void {
    item.dueAt = dueAt
    this.#pending.push(item)
    this.#arm()
  }

  #record(
    item: Pending,
    latencyMs: number,
    outcome: DeliveryAttempt['outcome'],
    status: number | undefined,
    error?: string,
    slow = false,
  ): void {
    this.deps.log.record({
      deliveryId: item.deliveryId,
      kind: item.kind,
      url: item.url,
      subscriptionIds: item.subscriptionIds,
      attempt: outcome === 'dropped' ? 0 : item.attempt,
      at: this.deps.clock.now().toISOString(),
      status,
      latencyMs,
      slow,
      outcome,
      ...(error ? { error } : {}),
      payload: item.payload,
    })
  }

  // A partly filled reorder window is released after a short real-time wait, so nothing is
  // held forever when fewer notifications arrive than the window expects.
  #armHeld(): void {
    if (this.#heldTimer) return
    this.#heldTimer = setTimeout(() => {
      this.#heldTimer = undefined
      this.flushHeld()
    }, 250)
    this.#heldTimer.unref()
  }

  #arm(): void {
    clearTimeout(this.#timer)
    if (this.#closed || this.#pending.length === 0) return
    const next = Math.min(...this.#pending.map((p) => p.dueAt))
    this.#timer = setTimeout(() => this.pump(), Math.max(0, next - this.deps.clock.nowMs()))
    this.#timer.unref()
  }
}
