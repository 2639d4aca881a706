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

/*
 * Notifications waiting for the same URL go out together, as one changeNotificationCollection:
 * its `value` is "the set of notifications being sent to the notification URL", and it may mix
 * subscriptions, apps and tenants, with one validation token per distinct app and tenant
 * (https://learn.microsoft.com/graph/api/resources/changenotificationcollection). Graph does not
 * document a batch size; this bounds a POST to about 300 KB of rich notifications.
 */
export const MAX_BATCH = 100

/** An app and tenant a rich notification's validation token is issued for. */
export interface TokenPair {
  readonly appId: string
  readonly tenantId: string
}

interface Pending {
  readonly deliveryId: string
  readonly kind: 'notification' | 'lifecycle'
  readonly url: string
  /** A lifecycle notification's whole body; one change notification (an item of `value`). */
  readonly payload: unknown
  /** Rich notifications: the pair their batch needs a validation token for. */
  readonly tokenPair: TokenPair | undefined
  readonly subscriptionIds: readonly string[]
  readonly firstAt: number
  attempt: number
  dueAt: number
  throttled: boolean
}

/**
 * Sends notifications with Graph's retry and slow-endpoint rules, on the emulator clock: a
 * clock `advance` followed by `pump()` makes due retries happen at once. One endpoint URL
 * receives one POST at a time, in queue order; change notifications waiting for it meanwhile
 * share the next POST.
 */
export class DeliveryQueue {
  readonly #pending: Pending[] = []
  /** Due items per URL, in order, and whether that URL's sender is running. */
  readonly #ready = new Map<string, Pending[]>()
  readonly #inFlight = new Set<Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #closed = false

  readonly deps: {
    clock: EmulatorClock
    log: DeliveryLog
    monitor: SlowEndpointMonitor
    faults: DeliveryFaults
    options: DeliveryOptions
    /** Validation tokens for the distinct pairs of a batch (validation-tokens.ts). */
    validationTokens: (pairs: readonly TokenPair[]) => Promise<string[]>
  }
  /** Notifications held back by the reorder fault. */
  readonly #held: Pending[] = []
  #heldTimer: NodeJS.Timeout | undefined
  /** Notifications waiting for the next one of their subscription (reorderPercent). */
  readonly #swaps = new Map<string, { item: Pending; timer: NodeJS.Timeout }>()

  constructor(deps: DeliveryQueue['deps']) {
    this.deps = deps
  }

  /**
   * Queues a delivery: a lifecycle notification's body, or one change notification item (with
   * the app and tenant of its validation token when it carries resource data). Change
   * notifications pass the drop / duplicate / reorder faults first.
   */
  enqueue(
    kind: Pending['kind'],
    url: string,
    payload: unknown,
    subscriptionIds: string[],
    tokenPair?: TokenPair,
  ): void {
    const item = this.#newItem(kind, url, payload, subscriptionIds, tokenPair)
    const { faults } = this.deps
    if (kind === 'notification' && faults.shouldDrop()) {
      return this.#record(item, 0, 'dropped', undefined, undefined, 'injected drop')
    }
    const copies = kind === 'notification' && faults.shouldDuplicate() ? 2 : 1
    for (let i = 0; i < copies; i += 1) {
      const copy = i === 0 ? item : this.#newItem(kind, url, payload, subscriptionIds, tokenPair)
      const window = faults.faults.reorderWindow ?? 0
      const swapKey = subscriptionIds.join(',')
      const waiting = kind === 'notification' ? this.#swaps.get(swapKey) : undefined
      if (waiting) {
        // The held one goes right after this newer one.
        clearTimeout(waiting.timer)
        this.#swaps.delete(swapKey)
        this.#pending.push(copy, waiting.item)
      } else if (kind === 'notification' && faults.shouldSwap()) {
        const timer = setTimeout(() => {
          this.#swaps.delete(swapKey)
          this.#pending.push(copy)
          this.pump()
        }, faults.faults.reorderHoldMs ?? 1000)
        timer.unref()
        this.#swaps.set(swapKey, { item: copy, timer })
      } else if (kind === 'notification' && window > 1) {
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
    for (const { item, timer } of this.#swaps.values()) {
      clearTimeout(timer)
      this.#pending.push(item)
    }
    this.#swaps.clear()
    this.pump()
  }

  #newItem(
    kind: Pending['kind'],
    url: string,
    payload: unknown,
    subscriptionIds: string[],
    tokenPair: TokenPair | undefined,
  ): Pending {
    const now = this.deps.clock.nowMs()
    return {
      deliveryId: randomUUID(),
      kind,
      url,
      payload,
      tokenPair,
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
    let kept = 0
    for (const item of this.#pending) {
      if (item.dueAt <= now) this.#hand(item)
      else this.#pending[kept++] = item
    }
    this.#pending.length = kept
    this.#arm()
  }

  /** Resolves when nothing is being sent and nothing is due. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight])
  }

  pendingCount(): number {
    return this.#pending.length + this.#swaps.size
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
    clearTimeout(this.#heldTimer)
    for (const { timer } of this.#swaps.values()) clearTimeout(timer)
  }

  /** Hands a due item to its URL's sender, starting one if that URL has none running. */
  #hand(item: Pending): void {
    const ready = this.#ready.get(item.url)
    if (ready) {
      ready.push(item)
      return
    }
    this.#ready.set(item.url, [item])
    const run = this.#send(item.url)
    this.#inFlight.add(run)
    void run.finally(() => this.#inFlight.delete(run))
  }

  /** One URL's sender: one POST at a time until nothing is ready for the URL. */
  async #send(url: string): Promise<void> {
    const ready = this.#ready.get(url)!
    while (ready.length > 0 && !this.#closed) {
      const batch = takeBatch(ready)
      // A bug in one attempt must not stop the endpoint's sender or reject unobserved.
      await this.#attempt(batch).catch((err: unknown) => {
        for (const item of batch) {
          this.#record(item, 0, 'gave-up', undefined, undefined, `emulator error: ${String(err)}`)
        }
      })
    }
    this.#ready.delete(url)
  }

  async #attempt(batch: Pending[]): Promise<void> {
    const { clock, monitor, faults, options } = this.deps
    const url = batch[0]!.url
    const endpoint = monitor.state(url)
    if (endpoint === 'dropping') {
      const why = 'endpoint flagged slow (>= 15% slow answers)'
      for (const item of batch) this.#record(item, 0, 'dropped', undefined, undefined, why)
      return
    }
    if (endpoint === 'throttled') {
      const late = batch.filter((item) => !item.throttled)
      for (const item of late) {
        item.throttled = true
        this.#reschedule(item, clock.nowMs() + THROTTLE_DELAY_MS)
      }
      batch = batch.filter((item) => item.throttled && !late.includes(item))
      if (batch.length === 0) return
    }
    for (const item of batch) item.attempt += 1
    const body = await this.#body(batch)
    const result: PostResult = faults.takeFailure()
      ? {
          status: undefined,
          contentType: undefined,
          text: '',
          latencyMs: 0,
          error: 'injected delivery failure',
        }
      : await postToSubscriber(
          url,
          JSON.stringify(body),
          'application/json; charset=utf-8',
          options.timeoutMs,
        )
    const slow = result.status === undefined || result.latencyMs > SLOW_RESPONSE_MS
    if (result.error !== 'injected delivery failure') monitor.record(url, slow)
    const delivered = result.status !== undefined && result.status >= 200 && result.status < 300
    const error = delivered ? undefined : (result.error ?? `answered ${result.status}`)
    for (const item of batch) {
      if (delivered) {
        this.#record(item, result.latencyMs, 'delivered', result.status, body, undefined, slow)
        continue
      }
      const delay = Math.min(options.retryMaxDelayMs, options.retryBaseMs * 2 ** (item.attempt - 1))
      const next = clock.nowMs() + delay
      if (next - item.firstAt > options.retryWindowMs) {
        this.#record(item, result.latencyMs, 'gave-up', result.status, body, error, slow)
        continue
      }
      this.#record(item, result.latencyMs, 'retry-scheduled', result.status, body, error, slow)
      this.#reschedule(item, next)
    }
  }

  /** The POST body: a lifecycle item's own, or the batch's changeNotificationCollection. */
  async #body(batch: readonly Pending[]): Promise<unknown> {
    if (batch[0]!.kind === 'lifecycle') return batch[0]!.payload
    const body: Record<string, unknown> = { value: batch.map((item) => item.payload) }
    const pairs = batch.flatMap((item) => (item.tokenPair ? [item.tokenPair] : []))
    if (pairs.length > 0) body.validationTokens = await this.deps.validationTokens(pairs)
    return body
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
    body: unknown,
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
      payload: body,
      ...(item.kind === 'notification' ? { item: item.payload } : {}),
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
    let next = Number.POSITIVE_INFINITY
    for (const item of this.#pending) next = Math.min(next, item.dueAt)
    this.#timer = setTimeout(() => this.pump(), Math.max(0, next - this.deps.clock.nowMs()))
    this.#timer.unref()
  }
}

/**
 * The next POST's items: a lifecycle notification alone (it has its own body), else the change
 * notifications at the head, up to MAX_BATCH, in order.
 */
function takeBatch(ready: Pending[]): Pending[] {
  if (ready[0]!.kind === 'lifecycle') return ready.splice(0, 1)
  let n = 1
  while (n < ready.length && n < MAX_BATCH && ready[n]!.kind === 'notification') n += 1
  return ready.splice(0, n)
}
