/** The Microsoft Graph side of the `microsoft-teams` connector. */
export { CURSOR_NAMESPACE } from './catch-up.ts'
export {
  createGraphChannelClient,
  graphCapabilities,
  type GraphChannelClient,
  type GraphChannelOptions,
} from './channel-client.ts'
export {
  createGraphClient,
  type GraphClient,
  type GraphSubscription,
  type GraphTokens,
  type NewSubscription,
} from './client.ts'
export { isGraphEcho } from './echo.ts'
export { chatMessageToIncoming, participantOf } from './from-graph.ts'
export { chatAddress, chatIdOf, createdKey, graphRateKey, parseChatMessageResource } from './ids.ts'
export {
  createSubscriptionKeeper,
  type LifecycleEvent,
  type SubscriptionKeeper,
  type SubscriptionKeeperOptions,
} from './subscriptions.ts'
export { teamsHtmlToMarkdown } from './teams-html.ts'
export {
  type GraphMessageBody,
  markdownToTeamsHtml,
  MAX_BODY_BYTES,
  toGraphMessages,
} from './to-graph.ts'
export { graphTokenVerifiers } from './token-verifiers.ts'
export { GRAPH_APP_SCOPE, graphTokensFor } from './tokens.ts'
export { GRAPH_NOTIFICATION_PUBLISHER, type SignedTokenVerifier } from './validation-tokens.ts'
export {
  createGraphWebhookRoutes,
  type GraphWebhookDeps,
  LIFECYCLE_PATH,
  NOTIFICATIONS_PATH,
} from './webhook.ts'
