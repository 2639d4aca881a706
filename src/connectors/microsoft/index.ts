import { PolicyRefusedError } from '../../core/errors.ts'
import type { IntegrationId } from '../../core/model/ids.ts'
import type { Integration } from '../../core/model/integration.ts'
import type { RemoteAddress } from '../../core/model/remote-address.ts'
import type {
  ChannelClient,
  ConnectorDefinition,
  Resyncing,
  SubscriptionKeeping,
} from '../../core/ports/connector.ts'
import type { IntegrationRepository } from '../../core/ports/store.ts'
import type { ConnectorDeps } from '../shared/deps.ts'
import { botFrameworkWebhook, createBotSender, isBotEcho } from './botframework/index.ts'
import {
  createGraphChannelClient,
  createGraphWebhookRoutes,
  graphCapabilities,
  graphTokensFor,
  graphTokenVerifiers,
} from './graph/index.ts'
import { createUserResolver } from './graph/users.ts'
import { createDelegatedLogin } from './identity/index.ts'
import { type MicrosoftTeamsSettings, microsoftTeamsSettings } from './settings.ts'

const KIND = 'microsoft-teams' as const

/** Addresses captured from Bot Framework activities carry a conversation reference. */
const isBotAddress = (to: RemoteAddress) =>
  typeof to.data === 'object' &&
  to.data !== null &&
  !Array.isArray(to.data) &&
  'serviceUrl' in to.data

/**
 * One Teams integration: Graph for chats (notifications, fetch, catch-up, sending as the service
 * account) and the Bot Framework for bot conversations (and sending as the bot).
 */
function openTeamsClient(
  integration: Integration,
  deps: ConnectorDeps,
): ChannelClient & SubscriptionKeeping & Resyncing {
  const settings = microsoftTeamsSettings.parse(integration.settings) as MicrosoftTeamsSettings
  if (!deps.subscriptions)
    throw new PolicyRefusedError('Teams integrations need a subscription store')
  const tokens = graphTokensFor(integration, deps)
  const graph = createGraphChannelClient({
    integration,
    deps,
    subscriptions: deps.subscriptions,
    tokens,
  })
  const resolveUser = createUserResolver(settings, deps, tokens)
  const bot = settings.bot ? createBotSender(settings, deps) : undefined
  const viaBot = (to: RemoteAddress) => isBotAddress(to) || settings.sendAs === 'bot'
  const requireBot = () => {
    if (!bot) throw new PolicyRefusedError('this Teams integration has no bot registration')
    return bot
  }
  return {
    ...graph,
    capabilities: { ...graphCapabilities, typing: !!bot },
    send: (to, message, ctx) =>
      viaBot(to) ? requireBot().send(to, message, ctx) : graph.send(to, message, ctx),
    async sendTyping(to, ctx) {
      if (bot && isBotAddress(to)) await bot.sendTyping(to, ctx)
    },
    resolveParticipant: (participant, ctx) => resolveUser(participant, ctx.signal),
    isOwnEcho: (sender) =>
      graph.isOwnEcho(sender) || (settings.bot ? isBotEcho(settings, sender) : false),
  }
}

export const microsoftTeamsConnector: ConnectorDefinition<ConnectorDeps> = {
  kind: KIND,
  side: 'channel',
  displayName: 'Microsoft Teams (Graph and Bot Framework)',
  parseSettings: (input) => microsoftTeamsSettings.parse(input),
  webhooks: (deps) => [
    ...createGraphWebhookRoutes({
      secrets: deps.secrets,
      clock: deps.clock,
      tokenVerifier: graphTokenVerifiers(deps),
    }),
    botFrameworkWebhook(deps),
  ],
  open: openTeamsClient,
}

/** The service-account sign-in (authorization code with PKCE) of Teams integrations. */
export function microsoftServiceAccountLogins(
  integrations: IntegrationRepository,
  deps: ConnectorDeps,
) {
  const loginFor = async (id: string) => {
    const integration = await integrations.get(id as IntegrationId)
    if (!integration || integration.kind !== KIND)
      throw new PolicyRefusedError('not a Teams integration')
    const s = microsoftTeamsSettings.parse(integration.settings)
    if (!s.serviceAccount)
      throw new PolicyRefusedError('this Teams integration has no service account')
    return createDelegatedLogin({
      authorityHost: s.authorityHost,
      tenant: s.tenantId,
      clientId: s.clientId,
      clientSecretName: s.clientSecretName,
      refreshTokenName: s.serviceAccount.refreshTokenName,
      expectedUserId: s.serviceAccount.userId,
      secrets: deps.secrets,
      http: deps.http,
      clock: deps.clock,
      log: deps.log,
    })
  }
  return {
    async begin(id: string, redirectUri: string, state: (codeVerifier: string) => string) {
      return (await loginFor(id)).beginLogin({ redirectUri, state })
    },
    async complete(id: string, code: string, codeVerifier: string, redirectUri: string) {
      return (await loginFor(id)).completeLogin(code, codeVerifier, redirectUri)
    },
  }
}
