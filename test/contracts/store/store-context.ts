import type { Conversation } from '../../../src/core/model/conversation.ts'
import { type IntegrationId, messageId } from '../../../src/core/model/ids.ts'
import type { Integration, Route } from '../../../src/core/model/integration.ts'
import { defaultRoutePolicy } from '../../../src/core/model/integration.ts'
import type { Message } from '../../../src/core/model/message.ts'
import type { Store } from '../../../src/core/ports/store.ts'
import type { ManualClock } from '../../../src/infra/clock/manual-clock.ts'

export interface StoreContext {
  readonly store: Store
  readonly clock: ManualClock
}

export interface Linked {
  readonly teams: Integration
  readonly genesys: Integration
  readonly route: Route
}

/** A Teams integration, a Genesys integration and the route between them. */
export async function seedRoute(store: Store): Promise<Linked> {
  const teams = await store.integrations.create({
    kind: 'microsoft-teams',
    name: 'Contoso Teams',
    settings: { tenantId: 't-1' },
  })
  const genesys = await store.integrations.create({
    kind: 'genesys-open-messaging',
    name: 'Contoso Genesys',
    settings: { region: 'mypurecloud.ie' },
  })
  const route = await store.routes.create({
    channelIntegrationId: teams.id,
    backendIntegrationId: genesys.id,
    policy: defaultRoutePolicy,
  })
  return { teams, genesys, route }
}

export function newConversation(
  linked: Linked,
  overrides: {
    channelKey?: string
    backendKey?: string
    openedAt?: Date
    backendIntegrationId?: IntegrationId
  } = {},
): Omit<Conversation, 'id'> {
  const openedAt = overrides.openedAt ?? new Date('2026-03-01T09:00:00.000Z')
  return {
    routeId: linked.route.id,
    channel: {
      kind: 'microsoft-teams',
      integrationId: linked.teams.id,
      key: overrides.channelKey ?? '19:chat-a@thread.v2',
      data: {
        serviceUrl: 'https://smba.example/emea/',
        conversation: { id: 'a:1' },
        n: [1, 2.5, null],
      },
    },
    backend: {
      kind: 'genesys-open-messaging',
      integrationId: overrides.backendIntegrationId ?? linked.genesys.id,
      key: overrides.backendKey ?? 'customer-a',
      data: { fromId: 'customer-a' },
    },
    customer: {
      role: 'customer',
      displayName: 'Zoë Ω',
      tenantId: 't-1',
      upn: 'zoe@contoso.example',
    },
    openedAt,
    lastActivityAt: openedAt,
  }
}

let sequence = 0

export function newMessage(conversation: Conversation, overrides: Partial<Message> = {}): Message {
  sequence += 1
  return {
    id: messageId(crypto.randomUUID()),
    conversationId: conversation.id,
    direction: 'to-backend',
    sender: conversation.customer,
    idempotencyKey: `graph:${conversation.id}:${sequence}`,
    sourceMessageId: `teams-msg-${sequence}`,
    state: 'pending',
    text: `hello **${sequence}**`,
    attachments: [],
    mentions: [],
    occurredAt: new Date(Date.UTC(2026, 2, 1, 9, 0, sequence)),
    createdAt: new Date(Date.UTC(2026, 2, 1, 9, 1, sequence)),
    ...overrides,
  }
}
