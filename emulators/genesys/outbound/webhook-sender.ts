import type { EmulatorClock } from '../../kit/clock.ts'
import type { GenesysState } from '../state/store.ts'
import type { OutboundFault, OutboundMessageRecord } from '../types.ts'
import { hubSignature } from './sign.ts'

export interface WebhookTiming {
  /** "Your webhook is required to respond to the Genesys within (10 seconds)". */
  readonly timeoutMs: number
  /** "5-second delay" between attempts. */
  readonly retryDelayMs: number
  /** "retries a webhook request up to 5 times" (validate.html, research §3.6). */
  readonly maxRetries: number
  /** How long a `reorder` fault holds a message waiting for the next one. */
  readonly reorderHoldMs: number
}

const isRetryable = (status: number) => status === 429 || status >= 500

/**
 * Delivers webhook bodies like Genesys: signed POST, 10 s timeout, 5 retries 5 s apart on timeout,
 * network error, 429 or 5xx; no retry on other statuses. One lane per conversation keeps order
 * (a message waits for the previous one's retries), unless a `reorder` fault swaps two.
 */
export class WebhookSender {
  readonly #state: GenesysState
  readonly #clock: EmulatorClock
  readonly #timing: WebhookTiming
  readonly #lanes = new Map<string, Promise<void>>()
  readonly #pending = new Set<Promise<void>>()
  readonly #held = new Map<string, { record: OutboundMessageRecord; release: () => void }>()
  #faults: Array<OutboundFault & { remaining: number }> = []
  readonly #shutdown = new AbortController()

  constructor(state: GenesysState, clock: EmulatorClock, timing: WebhookTiming) {
    this.#state = state
    this.#clock = clock
    this.#timing = timing
  }

  addFault(fault: OutboundFault): void {
    this.#faults.push({ ...fault, remaining: fault.times ?? 1 })
  }

  clearFaults(): void {
    this.#faults = []
  }

  /** Queues the record's body for delivery on its lane (conversation, else integration). */
  enqueue(record: OutboundMessageRecord): void {
    this.#state.outbound.set(record.messageId, record)
    const lane = record.conversationId ?? record.integrationId
    const faults = this.#takeFaults()
    const held = this.#held.get(lane)
    if (held) {
      this.#held.delete(lane)
      this.#chain(lane, record, faults.has('duplicate'))
      held.release()
      return
    }
    if (faults.has('reorder')) {
      this.#hold(lane, record, faults.has('duplicate'))
      return
    }
    this.#chain(lane, record, faults.has('duplicate'))
  }

  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending])
  }

  close(): void {
    this.#shutdown.abort()
    for (const held of this.#held.values()) held.release()
  }

  /** Percent faults roll each on their own; of the counted ones, the first applies. */
  #takeFaults(): Set<OutboundFault['kind']> {
    const kinds = new Set<OutboundFault['kind']>()
    for (const fault of this.#faults) {
      if (fault.percent !== undefined && Math.random() * 100 < fault.percent) kinds.add(fault.kind)
    }
    const counted = this.#faults.find((f) => f.percent === undefined)
    if (counted) {
      counted.remaining -= 1
      if (counted.remaining <= 0) this.#faults.splice(this.#faults.indexOf(counted), 1)
      kinds.add(counted.kind)
    }
    return kinds
  }

  #hold(lane: string, record: OutboundMessageRecord, duplicate: boolean): void {
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const timer = setTimeout(() => {
      if (this.#held.get(lane)?.record === record) this.#held.delete(lane)
      release()
    }, this.#timing.reorderHoldMs)
    this.#held.set(lane, { record, release })
    this.#track(
      released.then(() => {
        clearTimeout(timer)
        this.#chain(lane, record, duplicate)
      }),
    )
  }

  #chain(lane: string, record: OutboundMessageRecord, duplicate: boolean): void {
    const previous = this.#lanes.get(lane) ?? Promise.resolve()
    const next = previous.then(async () => {
      await this.#deliver(record)
      if (duplicate) await this.#deliver(record)
    })
    this.#lanes.set(lane, next)
    this.#track(next)
  }

  #track(promise: Promise<void>): void {
    const tracked = promise.catch(() => undefined)
    this.#pending.add(tracked)
    void tracked.finally(() => this.#pending.delete(tracked))
  }

  async #deliver(record: OutboundMessageRecord): Promise<void> {
    for (let attempt = 1; attempt <= this.#timing.maxRetries + 1; attempt += 1) {
      if (this.#shutdown.signal.aborted) return
      const status = await this.#attempt(record, attempt)
      if (status !== undefined && status >= 200 && status < 300) {
        record.state = 'delivered'
        return
      }
      if (status !== undefined && !isRetryable(status)) break
      if (attempt <= this.#timing.maxRetries) await this.#sleep(this.#timing.retryDelayMs)
    }
    // A webhook that never accepts fails the message for the agent (research §3.6).
    if (record.state !== 'delivered') record.state = 'failed'
  }

  /** One POST; returns the status, or undefined on timeout / network error. */
  async #attempt(record: OutboundMessageRecord, attempt: number): Promise<number | undefined> {
    const integration = this.#state.integrations.get(record.integrationId)
    if (!integration) return 404
    // Signed with the token current at send time: a rotation applies to the next attempt.
    const headers: Record<string, string> = {
      ...integration.webhookHeaders,
      'content-type': 'application/json',
      'x-hub-signature-256': hubSignature(integration.webhookToken, record.body),
    }
    const url = integration.outboundNotificationWebhookUrl
    const startedAt = this.#clock.now().toISOString()
    const started = performance.now()
    let status: number | undefined
    let error: string | undefined
    try {
      const signal = AbortSignal.any([
        AbortSignal.timeout(this.#timing.timeoutMs),
        this.#shutdown.signal,
      ])
      const response = await fetch(url, { method: 'POST', headers, body: record.body, signal })
      await response.arrayBuffer()
      status = response.status
    } catch (cause) {
      error = cause instanceof Error && cause.name === 'TimeoutError' ? 'timeout' : String(cause)
    }
    this.#state.deliveries.push({
      messageId: record.messageId,
      integrationId: record.integrationId,
      attempt,
      url,
      body: record.body,
      headers,
      ...(status !== undefined && { status }),
      ...(error !== undefined && { error }),
      startedAt,
      durationMs: Math.round(performance.now() - started),
    })
    return status
  }

  #sleep(ms: number): Promise<void> {
    const signal = this.#shutdown.signal
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer)
        resolve()
      }
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}
