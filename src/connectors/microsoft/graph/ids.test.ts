import { describe, expect, it } from 'vitest'

import { parseChatMessageResource } from './ids.ts'

describe('parseChatMessageResource', () => {
  it.each([
    ["chats('19:abc@thread.v2')/messages('1612289765949')", '19:abc@thread.v2', '1612289765949'],
    ["/Chats('19:abc@thread.v2')/Messages('17')", '19:abc@thread.v2', '17'],
    ['chats/19:abc@thread.v2/messages/1612289765949', '19:abc@thread.v2', '1612289765949'],
    ['chats/19%3Aabc%40thread.v2/messages/1612289765949', '19:abc@thread.v2', '1612289765949'],
    ["chats('19%3Aabc%40thread.v2')/messages('1%32')", '19:abc@thread.v2', '12'],
  ])('%s', (resource, chatId, messageId) => {
    expect(parseChatMessageResource(resource)).toEqual({ chatId, messageId })
  })

  it.each([
    'chats/19%ZZabc/messages/1', // not percent-encoding
    "teams('t')/channels('c')/messages('1')",
    'chats/19:abc@thread.v2',
    '',
  ])('is not a chat message: %s', (resource) => {
    expect(parseChatMessageResource(resource)).toBeUndefined()
  })
})
