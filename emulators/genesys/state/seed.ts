import type { GenesysSeed } from '../types.ts'
import { OFFLINE_PRESENCE_ID, presenceDefinition } from './presence-definitions.ts'
import type { GenesysState } from './store.ts'

/** Permissions the emulator checks (conversation:message:receive per the SDK docs, research §2.1). */
export const ALL_PERMISSIONS = [
  'conversation:message:receive',
  // Reading a message conversation back (routes/message-conversation.ts). [UNVERIFIED name]
  'conversation:message:view',
  'conversation:email:create',
  'presence:presenceDefinition:view',
  'user:presence:view',
  'user:presence:edit',
] as const

const DEFAULT_TTL_SECONDS = 86_400
// "a value between 300 and 172800 seconds" (https://help.mypurecloud.com/?p=188023)
const MIN_TTL_SECONDS = 300
const MAX_TTL_SECONDS = 172_800

/** A ready-to-use org for sandbox mode and tests that need nothing special. */
export const DEMO_SEED = {
  orgs: [{ id: 'org-demo', name: 'Demo org' }],
  clients: [{ clientId: 'demo-client', clientSecret: 'demo-client-secret', orgId: 'org-demo' }],
  integrations: [
    {
      id: '6685901b-6d0e-43db-95ff-d64406e9dce2',
      orgId: 'org-demo',
      name: 'cx-bridge demo',
      outboundNotificationWebhookUrl: 'http://127.0.0.1:9/genesys/webhook',
      webhookToken: 'demo-webhook-token-0123456789',
    },
  ],
  agents: [{ id: 'agent-ana', orgId: 'org-demo', name: 'Ana' }],
  queues: [{ id: 'queue-support', orgId: 'org-demo', name: 'Support' }],
} as const satisfies GenesysSeed

function requireOrg(state: GenesysState, orgId: string, what: string): void {
  if (!state.orgs.has(orgId)) throw new Error(`${what}: unknown org ${orgId}`)
}

/** Adds the seed to the state; throws on values the real service would refuse to configure. */
export function applySeed(state: GenesysState, seed: GenesysSeed): void {
  for (const org of seed.orgs ?? []) state.orgs.set(org.id, org)
  for (const client of seed.clients ?? []) {
    requireOrg(state, client.orgId, `client ${client.clientId}`)
    const ttl = client.tokenTtlSeconds ?? DEFAULT_TTL_SECONDS
    if (!Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS || ttl > MAX_TTL_SECONDS)
      throw new Error(`client ${client.clientId}: tokenTtlSeconds must be 300..172800`)
    state.clients.set(client.clientId, {
      ...client,
      tokenTtlSeconds: ttl,
      grantTypes: client.grantTypes ?? ['client_credentials'],
      permissions: client.permissions ?? ALL_PERMISSIONS,
    })
  }
  for (const integration of seed.integrations ?? []) {
    requireOrg(state, integration.orgId, `integration ${integration.id}`)
    validateWebhookToken(integration.webhookToken)
    state.integrations.set(integration.id, {
      id: integration.id,
      orgId: integration.orgId,
      name: integration.name ?? 'Open Messaging Integration',
      outboundNotificationWebhookUrl: new URL(integration.outboundNotificationWebhookUrl).href,
      webhookToken: integration.webhookToken,
      webhookHeaders: { ...integration.webhookHeaders },
      outboundMediaAllow: integration.outboundMediaAllow ?? [
        'image/jpeg',
        'image/png',
        'image/gif',
      ],
      inboundReceipts: integration.inboundReceipts ?? true,
    })
  }
  for (const agent of seed.agents ?? []) {
    requireOrg(state, agent.orgId, `agent ${agent.id}`)
    const definitionId = agent.presenceDefinitionId ?? OFFLINE_PRESENCE_ID
    if (!presenceDefinition(definitionId))
      throw new Error(`agent ${agent.id}: unknown presence definition ${definitionId}`)
    state.agents.set(agent.id, agent)
    state.presences.set(agent.id, {
      presenceDefinitionId: definitionId,
      primary: true,
      message: '',
      modifiedDate: new Date(0).toISOString(),
    })
  }
  for (const queue of seed.queues ?? []) {
    requireOrg(state, queue.orgId, `queue ${queue.id}`)
    state.queues.set(queue.id, queue)
  }
}

/** "This token must be longer than 15 characters." (OpenIntegrationRequest, research §3.5) */
export function validateWebhookToken(token: string): void {
  if (typeof token !== 'string' || token.length <= 15)
    throw new Error('webhookToken must be longer than 15 characters')
}
