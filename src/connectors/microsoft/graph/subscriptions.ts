import type { InboundEnvelope } from '../../../core/events.ts'
import type { Integration } from '../../../core/model/integration.ts'
import type { Subscription, SubscriptionRepository } from '../../../core/ports/store.ts'
import type { ConnectorDeps } from '../../shared/deps.ts'
import {
  catchUpChat,
  type CatchUpDeps,
  commitCursor,
  ensureCursor,
  watchedChats,
} from './catch-up.ts'
import { createGraphClient, type GraphClient, type GraphTokens } from './client.ts'
import { chatMessagesResource, tenantWideResource } from './ids.ts'
import { settingsOf } from './settings-of.ts'
import { subscriptionRequest } from './subscription-request.ts'
import { LIFECYCLE_PATH, NOTIFICATIONS_PATH } from './webhook.ts'

export interface SubscriptionKeeperOptions {
  readonly integration: Integration
  readonly deps: Pick<ConnectorDeps, 'http' | 'clock' | 'log' | 'secrets' | 'state' | 'publicUrl'>
  readonly subscriptions: SubscriptionRepository
  readonly tokens: GraphTokens
  /** Defaults to a client built from `deps.http` and `tokens`. */
  readonly graph?: GraphClient
}

export interface LifecycleEvent {
  readonly subscriptionId: string
  readonly lifecycle: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed'
}

/**
 * Keeps an integration's Graph subscriptions alive: one per watched chat (not metered) and,
 * when asked for, one tenant-wide `/chats/getAllMessages` (metered). Each is created with a
 * lifecycle URL, since chatMessage subscriptions beyond one hour require it
 * (https://learn.microsoft.com/graph/teams-changenotifications-chatmessage), and is stored in the
 * repository so renewals and lifecycle events find it.
 */
export function createSubscriptionKeeper(options: SubscriptionKeeperOptions) {
  const { integration, deps, subscriptions } = options
  const settings = settingsOf(integration)
  const graph = options.graph ?? createGraphClient(settings, deps.http, options.tokens)
  const log = deps.log.child({ integrationId: integration.id, component: 'graph-subscriptions' })
  const cursors: CatchUpDeps = {
    integrationId: integration.id,
    tenantId: settings.tenantId,
    graph,
    state: deps.state,
    now: () => deps.clock.now(),
  }
  const hookUrl = (path: string) =>
    `${deps.publicUrl}/webhooks/microsoft-teams/${encodeURIComponent(integration.id)}${path}`
  const expiry = (now: Date) =>
    new Date(now.getTime() + settings.notifications.subscriptionLifetimeMinutes * 60_000)

  const startCursor = async (resource: string) => {
    const chatId = chatOf(resource)
    if (chatId) await ensureCursor(cursors, chatId)
  }

  /**
   * A subscription at Graph for this resource and URL that we have no record of: the answer to
   * an earlier create was lost (timeout). Graph allows one per app and chat, so adopt it.
   */
  async function adopt(
    resource: string,
    now: Date,
    listed: () => ReturnType<GraphClient['listSubscriptions']>,
    signal?: AbortSignal,
  ) {
    const norm = (r: string | null | undefined) => (r ?? '').replace(/^\/+/, '').toLowerCase()
    const remote = await listed()
    const found = remote.find(
      (r) =>
        norm(r.resource) === norm(resource) && r.notificationUrl === hookUrl(NOTIFICATIONS_PATH),
    )
    if (!found) return undefined
    await startCursor(resource)
    log.info({ subscriptionId: found.id, resource }, 'graph subscription adopted')
    return renew(await store(found.id, resource, found.expirationDateTime), now, signal)
  }

  async function create(resource: string, now: Date, signal?: AbortSignal): Promise<Subscription> {
    const created = await graph.createSubscription(
      await subscriptionRequest(settings, deps.secrets, {
        resource,
        notificationUrl: hookUrl(NOTIFICATIONS_PATH),
        lifecycleNotificationUrl: hookUrl(LIFECYCLE_PATH),
        expirationDateTime: expiry(now).toISOString(),
      }),
      signal,
    )
    await startCursor(resource)
    log.info({ subscriptionId: created.id, resource }, 'graph subscription created')
    return store(created.id, resource, created.expirationDateTime)
  }

  const store = (id: string, resource: string, expiresAt: string) =>
    subscriptions.upsert({
      id,
      integrationId: integration.id,
      resource,
      expiresAt: new Date(expiresAt),
    })

  /** PATCH with a new expiry (renews and reauthorizes); a 404 means Graph dropped it: recreate. */
  async function renew(sub: Subscription, now: Date, signal?: AbortSignal): Promise<Subscription> {
    const renewed = await graph.renewSubscription(sub.id, expiry(now).toISOString(), signal)
    if (renewed) return store(sub.id, sub.resource, renewed.expirationDateTime)
    log.warn({ subscriptionId: sub.id }, 'graph subscription gone, recreating')
    await subscriptions.delete(sub.id)
    return create(sub.resource, now, signal)
  }

  const wanted = () => [
    ...settings.notifications.chatIds.map(chatMessagesResource),
    ...(settings.notifications.tenantWide ? [tenantWideResource] : []),
  ]

  return {
    /** Creates missing subscriptions, renews those expiring within `renewBeforeMs`, drops stale ones. */
    async keep(now: Date, signal?: AbortSignal): Promise<void> {
      const existing = await subscriptions.list(integration.id)
      const desired = new Set(wanted())
      const failures: unknown[] = []
      const attempt = async (work: () => Promise<unknown>) => {
        try {
          await work()
        } catch (error) {
          failures.push(error)
          log.warn({ err: error }, 'graph subscription upkeep failed')
        }
      }
      // Graph's list is read once per pass, not once per missing subscription (500 chats).
      let remote: ReturnType<GraphClient['listSubscriptions']> | undefined
      const listed = () =>
        (remote ??= graph.listSubscriptions(signal).catch((error: unknown) => {
          remote = undefined
          throw error
        }))
      for (const resource of desired) {
        const sub = existing.find((s) => s.resource === resource)
        if (!sub) {
          await attempt(
            async () =>
              (await adopt(resource, now, listed, signal)) ?? create(resource, now, signal),
          )
        } else if (
          sub.expiresAt.getTime() - now.getTime() <=
          settings.notifications.renewBeforeMs
        ) {
          await attempt(() => renew(sub, now, signal))
        }
      }
      for (const sub of existing.filter((s) => !desired.has(s.resource))) {
        await attempt(async () => {
          await graph.deleteSubscription(sub.id, signal)
          await subscriptions.delete(sub.id)
        })
      }
      if (failures.length > 0) throw failures[0]
    },

    /** Acts on a lifecycle event; returns the chats whose history must be caught up. */
    async onLifecycle(event: LifecycleEvent, signal?: AbortSignal): Promise<string[]> {
      const sub = await subscriptions.get(event.subscriptionId)
      if (!sub || sub.integrationId !== integration.id) {
        log.info(
          { subscriptionId: event.subscriptionId },
          'lifecycle event for an unknown subscription',
        )
        return []
      }
      const now = deps.clock.now()
      if (event.lifecycle === 'reauthorizationRequired') {
        const after = await renew(sub, now, signal)
        return after.id === sub.id ? [] : chatsOf(sub.resource)
      }
      if (event.lifecycle === 'subscriptionRemoved') {
        await subscriptions.delete(sub.id)
        await create(sub.resource, now, signal)
      }
      // Removed or missed: notifications were lost, resync what the subscription covered.
      return chatsOf(sub.resource)
    },

    /** Chats watched by this integration: configured ones and any with a catch-up cursor. */
    async watchedChats(): Promise<string[]> {
      return [...new Set([...settings.notifications.chatIds, ...(await watchedChats(cursors))])]
    },

    catchUp: (chatId: string, signal?: AbortSignal) => catchUpChat(cursors, chatId, signal),
    commitCursor: (chatId: string, envelopes: readonly InboundEnvelope[]) =>
      commitCursor(cursors, chatId, envelopes),
  }

  async function chatsOfTenantWide(): Promise<string[]> {
    return watchedChats(cursors)
  }

  function chatsOf(resource: string): Promise<string[]> | string[] {
    const chatId = chatOf(resource)
    return chatId ? [chatId] : chatsOfTenantWide()
  }
}

export type SubscriptionKeeper = ReturnType<typeof createSubscriptionKeeper>

const chatOf = (resource: string) => /^\/chats\/([^/]+)\/messages$/.exec(resource)?.[1]
