import type { EmulatorClock } from '../../kit/clock.ts'
import type { Subscription, SubscriptionStore } from '../state/subscriptions.ts'
import type { DeliveryQueue } from './delivery-queue.ts'
import { type LifecycleEvent, lifecycleNotification } from './notification-body.ts'
import { familyOf } from './resource-targets.ts'

// Which lifecycle events Graph sends for which resources
// (https://learn.microsoft.com/graph/change-notifications-lifecycle-events#supported-resources):
// reauthorizationRequired for all; subscriptionRemoved for Outlook and Teams chatMessage;
// missed for Outlook only.
const SUPPORTED: Record<LifecycleEvent, ReadonlyArray<string>> = {
  reauthorizationRequired: ['teamsMessage', 'outlookMessage', 'presence'],
  subscriptionRemoved: ['teamsMessage', 'outlookMessage'],
  missed: ['outlookMessage'],
}

export interface LifecycleDeps {
  clock: EmulatorClock
  subscriptions: SubscriptionStore
  queue: DeliveryQueue
  /** reauthorizationRequired goes out when this little time is left before expiry. */
  reauthorizationLeadMs: number
}

/**
 * Expiry and lifecycle events, on the emulator clock. `tick()` runs every second and after each
 * clock advance: it removes expired subscriptions and sends `reauthorizationRequired` once per
 * expiration when a subscription enters its last `reauthorizationLeadMs`.
 */
export class LifecycleManager {
  readonly #timer: NodeJS.Timeout
  readonly #deps: LifecycleDeps

  constructor(deps: LifecycleDeps) {
    this.#deps = deps
    this.#timer = setInterval(() => this.tick(), 1000)
    this.#timer.unref()
  }

  tick(): void {
    const { clock, subscriptions, reauthorizationLeadMs } = this.#deps
    const now = clock.nowMs()
    for (const sub of subscriptions.list()) {
      if (sub.expirationMs <= now) {
        subscriptions.remove(sub.id)
        continue
      }
      const due = sub.expirationMs - now <= reauthorizationLeadMs
      if (
        due &&
        sub.lifecycleNotificationUrl &&
        sub.reauthorizationSentForMs !== sub.expirationMs
      ) {
        sub.reauthorizationSentForMs = sub.expirationMs
        this.#send(sub, 'reauthorizationRequired')
      }
    }
  }

  /** Sends a lifecycle event now; `subscriptionRemoved` also deletes the subscription. */
  fire(subscriptionId: string, event: LifecycleEvent): void {
    const sub = this.#deps.subscriptions.get(subscriptionId)
    if (!sub) throw new Error(`no subscription ${subscriptionId}`)
    if (!SUPPORTED[event].includes(familyOf(sub.target))) {
      throw new Error(`Graph does not send ${event} for resource ${sub.resource}`)
    }
    if (!sub.lifecycleNotificationUrl) {
      throw new Error(`subscription ${subscriptionId} has no lifecycleNotificationUrl`)
    }
    this.#send(sub, event)
    if (event === 'subscriptionRemoved') this.#deps.subscriptions.remove(sub.id)
  }

  /** Moves the expiration to now and lets the next tick remove the subscription. */
  expireNow(subscriptionId: string): void {
    const sub = this.#deps.subscriptions.get(subscriptionId)
    if (!sub) throw new Error(`no subscription ${subscriptionId}`)
    sub.expirationMs = this.#deps.clock.nowMs()
    this.tick()
  }

  close(): void {
    clearInterval(this.#timer)
  }

  #send(sub: Subscription, event: LifecycleEvent): void {
    const payload = { value: [lifecycleNotification(sub, event)] }
    this.#deps.queue.enqueue('lifecycle', sub.lifecycleNotificationUrl!, payload, [sub.id])
  }
}
