import type { FastifyRequest } from 'fastify'

import type { EmulatorClock } from '../../kit/clock.ts'
import type { FaultInjector } from '../../kit/faults.ts'
import type { DeliveryLog } from '../notifications/delivery-log.ts'
import type { DeliveryQueue } from '../notifications/delivery-queue.ts'
import type { LifecycleManager } from '../notifications/lifecycle.ts'
import type { ChangeFeed } from '../state/changes.ts'
import type { Conversations } from '../state/conversations.ts'
import type { Directory } from '../state/directory.ts'
import type { Drive } from '../state/drive.ts'
import type { Mailboxes } from '../state/mailboxes.ts'
import type { MessageStore } from '../state/message-store.ts'
import type { PresenceBook } from '../state/presence.ts'
import type { SubscriptionStore } from '../state/subscriptions.ts'
import type { Throttler } from '../throttling.ts'
import type { GraphIdentity, GraphPrincipal } from '../types.ts'
import { GraphHttpError } from './graph-error.ts'

/** Everything the routes share: state, clock, identity, delivery machinery. */
export interface GraphContext {
  readonly clock: EmulatorClock
  readonly identity: GraphIdentity
  readonly tenantId: string
  /** `http://127.0.0.1:{port}/v1.0`, known once the server listens. */
  readonly baseUrl: () => string
  readonly origin: () => string
  readonly directory: Directory
  readonly conversations: Conversations
  readonly messages: MessageStore
  readonly drive: Drive
  readonly mailboxes: Mailboxes
  readonly presence: PresenceBook
  readonly subscriptions: SubscriptionStore
  readonly changes: ChangeFeed
  readonly queue: DeliveryQueue
  readonly log: DeliveryLog
  readonly lifecycle: LifecycleManager
  readonly throttler: Throttler
  readonly faults: FaultInjector
  /** Hosts that may receive notifications over plain HTTP (the emulator allows loopback only). */
  readonly plainHttpHosts: ReadonlySet<string>
}

const principals = new WeakMap<FastifyRequest, GraphPrincipal>()

export function setPrincipal(req: FastifyRequest, principal: GraphPrincipal): void {
  principals.set(req, principal)
}

/** The verified caller; the auth hook has run for every /v1.0 route. */
export function principalOf(req: FastifyRequest): GraphPrincipal {
  const principal = principals.get(req)
  if (!principal)
    throw new GraphHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.')
  return principal
}

/** Delegated calls carry a signed-in user; application calls do not. */
export const isDelegated = (p: GraphPrincipal): p is GraphPrincipal & { userId: string } =>
  typeof p.userId === 'string' && p.userId.length > 0
