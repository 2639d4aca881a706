import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import type { GenesysEmulator } from './index.ts'
import {
  inboundMessage,
  inboundPath,
  postJson,
  startWithToken,
  TEST_INTEGRATION_ID,
  testSeed,
  UNREACHABLE_HOOK,
} from './test-helpers.ts'

let genesys: GenesysEmulator
let token: string

beforeAll(async () => {
  ;({ genesys, token } = await startWithToken(
    testSeed(UNREACHABLE_HOOK, {
      integrations: [
        {
          id: 'other-org-integration',
          orgId: 'org-b',
          outboundNotificationWebhookUrl: 'http://127.0.0.1:9/b',
          webhookToken: 'another-token-0123456789',
        },
      ],
    }),
  ))
})
afterAll(() => genesys.close())

const send = (body: unknown) => postJson(inboundPath(genesys.url, 'message'), token, body)

describe('accepted messages', () => {
  test('answers 200 with the normalized message and records it', async () => {
    const body = inboundMessage('cust-1', 'Hello', {
      metadata: { rating: '5' },
      direction: 'Inbound',
      type: 'Text',
    })
    body.channel = { ...body.channel, ...{ metadata: { customAttributes: { tier: 'gold' } } } }
    const response = await send(body)
    expect(response.status).toBe(200)
    expect(response.headers.get('inin-correlation-id')).toMatch(/^[0-9a-f-]{36}$/)
    const answer = (await response.json()) as Record<string, unknown>
    expect(answer).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{32}$/),
      channel: {
        id: TEST_INTEGRATION_ID,
        platform: 'Open',
        type: 'Private',
        messageId: body.channel.messageId,
        from: { id: 'cust-1', idType: 'Opaque', nickname: 'Customer' },
        metadata: { customAttributes: { tier: 'gold' } },
      },
      type: 'Text',
      text: 'Hello',
      metadata: { rating: '5' },
      direction: 'Inbound',
    })
    expect(answer).not.toHaveProperty('conversationId')
    const record = genesys.control.received().find((r) => r.id === answer.id)
    expect(record).toMatchObject({
      integrationId: TEST_INTEGRATION_ID,
      text: 'Hello',
      customAttributes: { tier: 'gold' },
      ignoredFields: [],
    })
  })

  test('returns conversationId with prefetchConversationId=true', async () => {
    const response = await postJson(
      `${inboundPath(genesys.url, 'message')}?prefetchConversationId=true`,
      token,
      inboundMessage('cust-2', 'hi'),
    )
    const answer = (await response.json()) as { conversationId: string }
    expect(answer.conversationId).toBe(genesys.control.received().at(-1)!.conversationId)
  })

  test('accepts an attachment without text, and a lower-case idType', async () => {
    const body = {
      channel: { from: { id: 'cust-3', idType: 'email' }, time: '2024-05-01T13:01:14Z' },
      content: [
        {
          contentType: 'Attachment',
          attachment: {
            mediaType: 'Image',
            url: 'https://files.example/a.png',
            mime: 'image/png',
            filename: 'a.png',
          },
        },
      ],
    }
    expect((await send(body)).status).toBe(200)
    expect(genesys.control.received().at(-1)!.from.idType).toBe('Email')
  })

  test('flags fields Genesys would drop silently, and repeated messageIds', async () => {
    const body = inboundMessage('cust-4', 'x')
    const misplaced = { ...body, channel: { ...body.channel, customAttributes: { a: 'b' } } }
    expect((await send(misplaced)).status).toBe(200)
    expect((await send(misplaced)).status).toBe(200)
    const [first, second] = genesys.control.received().slice(-2)
    expect(first!.ignoredFields).toEqual(['channel.customAttributes'])
    expect([first!.duplicate, second!.duplicate]).toEqual([false, true])
  })
})

describe('rejected messages', () => {
  const valid = inboundMessage('cust-9', 'text')
  const withChannel = (channel: Record<string, unknown>) => ({
    ...valid,
    channel: { ...valid.channel, ...channel },
  })
  const attachment = (fields: Record<string, unknown>) => ({
    ...valid,
    content: [
      {
        contentType: 'Attachment',
        attachment: {
          mediaType: 'Image',
          url: 'https://x.example/a',
          mime: 'image/png',
          ...fields,
        },
      },
    ],
  })

  test.each([
    ['no channel', { text: 'hi' }, 'channel'],
    ['no from', withChannel({ from: undefined }), 'channel.from'],
    ['from without id', withChannel({ from: { idType: 'Opaque' } }), 'channel.from.id'],
    ['bad idType', withChannel({ from: { id: 'a', idType: 'Skype' } }), 'channel.from.idType'],
    ['no time', withChannel({ time: undefined }), 'channel.time'],
    ['time not ISO', withChannel({ time: '01/05/2024 13:00' }), 'channel.time'],
    ['wrong platform', withChannel({ platform: 'Facebook' }), 'channel.platform'],
    ['wrong channel type', withChannel({ type: 'Public' }), 'channel.type'],
    ['outbound direction', { ...valid, direction: 'Outbound' }, 'direction'],
    ['receipt type', { ...valid, type: 'Receipt' }, 'type'],
    ['neither text nor content', { channel: valid.channel }, 'text'],
    ['text too long', { ...valid, text: 'x'.repeat(4001) }, 'text'],
    ['non-string metadata', { ...valid, metadata: { nested: { a: 1 } } }, 'metadata.nested'],
    [
      'non-string custom attribute',
      withChannel({ metadata: { customAttributes: { n: 1 } } }),
      'channel.metadata.customAttributes.n',
    ],
    [
      'oversized custom attributes',
      withChannel({ metadata: { customAttributes: { big: 'x'.repeat(3000) } } }),
      'channel.metadata.customAttributes',
    ],
    ['bad mediaType', attachment({ mediaType: 'Sticker' }), 'content[0].attachment.mediaType'],
    ['relative url', attachment({ url: '/a.png' }), 'content[0].attachment.url'],
    ['no mime', attachment({ mime: undefined }), 'content[0].attachment.mime'],
    ['bad sha256', attachment({ sha256: 'abc' }), 'content[0].attachment.sha256'],
    [
      'two attachments',
      { ...attachment({}), content: [...attachment({}).content, ...attachment({}).content] },
      'content',
    ],
    [
      'structured content',
      { ...valid, content: [{ contentType: 'QuickReply', quickReply: {} }] },
      'content[0].contentType',
    ],
  ])('%s → 400 naming %s', async (_name, body, field) => {
    const before = genesys.control.received().length
    const response = await send(body)
    expect(response.status).toBe(400)
    const error = (await response.json()) as {
      code: string
      status: number
      message: string
      details: { fieldName: string }[]
    }
    expect(error).toMatchObject({ code: 'bad.request', status: 400 })
    expect(error.details.map((d) => d.fieldName)).toContain(field)
    expect(error.message).toContain(field)
    expect(genesys.control.received()).toHaveLength(before)
  })

  test('names every problem of a body at once', async () => {
    const response = await send({ channel: { from: { id: '', idType: 'x' } }, text: 5 })
    const error = (await response.json()) as { details: { fieldName: string }[] }
    expect(error.details.map((d) => d.fieldName)).toEqual(
      expect.arrayContaining(['channel.from.id', 'channel.from.idType', 'channel.time', 'text']),
    )
  })

  test('malformed JSON → 400, other content type → 415, oversize → 413', async () => {
    const url = inboundPath(genesys.url, 'message')
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    expect((await fetch(url, { method: 'POST', headers, body: '{"channel":' })).status).toBe(400)
    const plain = { ...headers, 'content-type': 'text/plain' }
    const wrongType = await fetch(url, {
      method: 'POST',
      headers: plain,
      body: JSON.stringify(valid),
    })
    expect(wrongType.status).toBe(415)
    const big = await send({ ...valid, text: 'x', padding: 'y'.repeat(520_000) })
    expect(big.status).toBe(413)
    expect(((await big.json()) as { message: string }).message).toContain('512000')
  })

  test('unknown integration, or one of another org → 404', async () => {
    for (const id of ['no-such-integration', 'other-org-integration']) {
      const response = await postJson(inboundPath(genesys.url, 'message', id), token, valid)
      expect(response.status).toBe(404)
      expect(((await response.json()) as { code: string }).code).toBe('not.found')
    }
  })

  test('bad prefetchConversationId → 400', async () => {
    const url = `${inboundPath(genesys.url, 'message')}?prefetchConversationId=yes`
    expect((await postJson(url, token, valid)).status).toBe(400)
  })
})
