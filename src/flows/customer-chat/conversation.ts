import type { Conversation } from '../../core/model/conversation.ts'
import type { Route } from '../../core/model/integration.ts'
import type { Participant } from '../../core/model/participant.ts'
import type { RemoteAddress } from '../../core/model/remote-address.ts'
import { shouldStartNewConversation } from '../../core/policies/threading.ts'
import type { BackendClient } from '../../core/ports/connector.ts'
import type { FlowDeps } from '../deps.ts'

/**
 * The conversation a customer message belongs to: the latest one for this Teams address on the
 * route, unless it was closed or has been silent longer than the threading window. The backend
 * address comes from the customer's stable identity, so the backend threads it too.
 */
export async function conversationForCustomer(
  route: Route,
  channel: RemoteAddress,
  customer: Participant,
  backend: BackendClient,
  deps: Pick<FlowDeps, 'store' | 'clock'>,
): Promise<Conversation> {
  const now = deps.clock.now()
  const latest = await deps.store.conversations.latestByChannelKey(route.id, channel.key)
  if (
    latest &&
    !latest.closedAt &&
    !shouldStartNewConversation(latest.lastActivityAt, now, route.policy.threadingWindowMs)
  ) {
    return latest
  }
  const identity = backend.identify(customer, channel)
  return deps.store.conversations.create({
    routeId: route.id,
    channel,
    backend: backend.addressFor(identity),
    customer,
    openedAt: now,
    lastActivityAt: now,
  })
}
