/** Branded ids: remote ids never meet internal ones without a mapping. */
export type Brand<T, B extends string> = T & { readonly __brand: B }

export type IntegrationId = Brand<string, 'IntegrationId'>
export type ConversationId = Brand<string, 'ConversationId'>
export type MessageId = Brand<string, 'MessageId'>

export const integrationId = (value: string) => value as IntegrationId
export const conversationId = (value: string) => value as ConversationId
export const messageId = (value: string) => value as MessageId
