/** The demo tenant, customer, agent and registrations sandbox mode starts with. */
export const DEMO = {
  tenantId: 'a1b2c3d4-0000-4000-8000-00000000c0de',
  graphApp: { appId: '11111111-2222-4333-8444-555555555555', secret: 'sandbox-graph-app-secret' },
  botApp: { appId: '66666666-7777-4888-9999-000000000b07', secret: 'sandbox-bot-app-secret' },
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
  integrations: { teams: 'demo-teams', bot: 'demo-teams-bot', genesys: 'demo-genesys' },
  clientState: 'sandbox-client-state-7c1e',
} as const
