export { botConnectionOf, teamsBotConnection } from './bot-connection.ts'
export type { BotSender } from './client.ts'
export {
  appRateKey,
  BOT_RATE_BUDGETS,
  conversationRateKey,
  createBotSender,
  isBotEcho,
} from './client.ts'
export type { BotConnection } from './connector.ts'
export { BOT_CONNECTOR_SCOPE } from './connector.ts'
export type { ConversationReference } from './conversation-reference.ts'
export { conversationReference } from './conversation-reference.ts'
export type { BotMention } from './mentions.ts'
export { botMention } from './mentions.ts'
export type {
  ReplyOutcome,
  StreamingReplyOptions,
  StreamingReplySender,
  StreamReplyInput,
  StreamReplyResult,
} from './streaming/index.ts'
export { createStreamingReplySender, DEFAULT_REPLY_OPTIONS } from './streaming/index.ts'
export { MAX_TEXT_UNITS } from './to-activity.ts'
export { botFrameworkWebhook } from './webhook.ts'
