export type { BotSender } from './client.ts'
export {
  appRateKey,
  BOT_CONNECTOR_SCOPE,
  BOT_RATE_BUDGETS,
  conversationRateKey,
  createBotSender,
  isBotEcho,
} from './client.ts'
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
export { createStreamingReplySender, DEFAULT_REPLY_TEXTS } from './streaming/index.ts'
export { MAX_TEXT_UNITS } from './to-activity.ts'
export { botFrameworkWebhook } from './webhook.ts'
