import type { Clock } from '../../../core/ports/clock.ts'
import type { WebhookRoute } from '../../../core/ports/connector.ts'
import { toEnvelopes } from './envelopes.ts'
import { graphHandshake } from './handshake.ts'
import { type NotificationAuthDeps, openNotifications } from './notification-auth.ts'

export interface GraphWebhookDeps extends NotificationAuthDeps {
  readonly clock: Pick<Clock, 'now'>
}

/** Paths under `/webhooks/microsoft-teams/{integrationId}` (see subscriptions.ts). */
export const NOTIFICATIONS_PATH = '/notifications'
export const LIFECYCLE_PATH = '/lifecycle'

/**
 * Graph's two inbound surfaces: change notifications and lifecycle notifications. Both answer the
 * validation handshake, authenticate by clientState (plus validation tokens and the data
 * signature for rich notifications) and accept either kind of item, since Graph may batch them.
 * Graph wants a 2xx within 3 seconds or counts the endpoint as slow: nothing here calls a remote
 * except the cached JWKS lookup for rich notifications.
 */
export function createGraphWebhookRoutes(deps: GraphWebhookDeps): WebhookRoute[] {
  const route = (name: string, path: string): WebhookRoute => ({
    name,
    path,
    handshake: graphHandshake,
    async verify(req, integration) {
      await openNotifications(req, integration, deps)
    },
    async parse(req, integration) {
      const opened = await openNotifications(req, integration, deps)
      return toEnvelopes(integration.id, opened, deps.clock.now())
    },
    // Graph: "Make sure to always send an HTTP 202 Accepted status code".
    ackStatus: 202,
  })
  return [
    route('graph-notifications', NOTIFICATIONS_PATH),
    route('graph-lifecycle', LIFECYCLE_PATH),
  ]
}
