import type { EmulatorClock } from '../../kit/clock.ts'
import type { ChangeFeed, ResourceChange } from '../state/changes.ts'
import type { Conversations } from '../state/conversations.ts'
import type { Subscription, SubscriptionStore } from '../state/subscriptions.ts'
import type { DeliveryLog } from './delivery-log.ts'
import type { DeliveryQueue } from './delivery-queue.ts'
import { changeNotification } from './notification-body.ts'
import { isMetered, targetMatches } from './resource-targets.ts'

// Metered APIs without a payment model get "500 messages per month per tenant per app", then
// "change notifications aren't sent" (https://learn.microsoft.com/graph/teams-licenses).
export const METERED_EVALUATION_QUOTA = 500

export interface DispatcherDeps {
  clock: EmulatorClock
  subscriptions: SubscriptionStore
  conversations: Conversations
  queue: DeliveryQueue
  log: DeliveryLog
  meteredQuota: number
}

/**
 * Turns resource changes into change notifications for every matching subscription, queued in
 * the order the changes happened (validation tokens are signed per POST, by the queue).
 */
export class NotificationDispatcher {
  readonly #meterCounts = new Map<string, number>()
  readonly #deps: DispatcherDeps

  constructor(changes: ChangeFeed, deps: DispatcherDeps) {
    this.#deps = deps
    changes.listen((change) => this.#onChange(change))
  }

  #onChange(change: ResourceChange): void {
    const now = this.#deps.clock.nowMs()
    for (const sub of this.#deps.subscriptions.list()) {
      if (sub.expirationMs <= now || !sub.changeTypes.has(change.changeType)) continue
      if (!targetMatches(sub.target, change, this.#deps.conversations)) continue
      if (!this.#withinMeteredQuota(sub)) continue
      try {
        this.#deliver(sub, change)
      } catch (err) {
        this.#dropped(sub, `could not build the notification: ${String(err)}`)
      }
    }
  }

  #deliver(sub: Subscription, change: ResourceChange): void {
    const item = changeNotification(sub, change)
    const pair = sub.includeResourceData
      ? { appId: sub.applicationId, tenantId: sub.tenantId }
      : undefined
    this.#deps.queue.enqueue('notification', sub.notificationUrl, item, [sub.id], pair)
  }

  #withinMeteredQuota(sub: Subscription): boolean {
    const target = sub.target
    if (!isMetered(target) || ('model' in target && target.model !== null)) return true
    const month = this.#deps.clock.now().toISOString().slice(0, 7)
    const key = `${sub.applicationId}|${sub.tenantId}|${month}`
    const used = this.#meterCounts.get(key) ?? 0
    if (used >= this.#deps.meteredQuota) {
      this.#dropped(sub, 'metered API evaluation quota exhausted (set model=A or model=B)')
      return false
    }
    this.#meterCounts.set(key, used + 1)
    return true
  }

  #dropped(sub: Subscription, error: string): void {
    this.#deps.log.record({
      deliveryId: '',
      kind: 'notification',
      url: sub.notificationUrl,
      subscriptionIds: [sub.id],
      attempt: 0,
      at: this.#deps.clock.now().toISOString(),
      status: undefined,
      latencyMs: 0,
      slow: false,
      outcome: 'dropped',
      error,
      payload: undefined,
    })
  }
}
