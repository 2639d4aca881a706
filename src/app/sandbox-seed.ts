/** The demo tenant, customer, agent and registrations sandbox mode starts with. */
export const DEMO = {
  tenantId: 'a1b2c3d4-0000-4000-8000-00000000c0de',
  graphApp: { appId: '11111111-2222-4333-8444-555555555555', secret: 'sandbox-graph-app-secret' },
  botApp: { appId: '66666666-7777-4888-9999-000000000b07', secret: 'sandbox-bot-app-secret' },
  /** The demo AI bot's Azure Bot registration (a second app: one bot, one messaging endpoint). */
  aiBotApp: { appId: '77777777-8888-4999-aaaa-000000000a1b', secret: 'sandbox-ai-bot-secret' },
  /** The admin API account that owns the demo AI bot, and its key (sandbox only: not secret). */
  account: {
    id: '0192f5d0-0000-7000-8000-0000000de770',
    name: 'Demo account',
    key: 'cxb_5a4db0c0000000de_sandbox-demo-key-not-for-production-use-000',
  },
  customer: {
    id: 'c0ffee00-0000-4000-8000-000000000001',
    upn: 'alex@customer.example',
    displayName: 'Alex Customer',
  },
  serviceAccount: {
    id: 'c0ffee00-0000-4000-8000-0000000005a5',
    upn: 'support@contoso.example',
    displayName: 'Contoso Support',
  },
  genesys: {
    orgId: 'org-demo',
    clientId: 'demo-client',
    clientSecret: 'demo-client-secret',
    integrationId: '6685901b-6d0e-43db-95ff-d64406e9dce2',
    webhookToken: 'demo-webhook-token-0123456789',
    agent: { id: 'agent-ana', name: 'Ana' },
  },
  integrations: {
    teams: 'demo-teams',
    bot: 'demo-teams-bot',
    genesys: 'demo-genesys',
    aiBot: 'demo-ai-bot',
  },
  clientState: 'sandbox-client-state-7c1e',
} as const
