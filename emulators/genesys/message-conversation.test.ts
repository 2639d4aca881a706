import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import type { GenesysEmulator } from './index.ts'
import {
  getToken,
  inboundMessage,
  inboundPath,
  postJson,
  sendPrefetched,
  startWebhookReceiver,
  startWithToken,
  TEST_INTEGRATION_ID,
  testSeed,
} from './test-helpers.ts'

let genesys: GenesysEmulator
let token: string

beforeAll(async () => {
  ;({ genesys, token } = await startWithToken())
})
afterAll(() => genesys.close())

const conversationUrl = (id: string) => `${genesys.url}/api/v2/conversations/messages/${id}`
const getConversation = (id: string, bearer = token) =>
  fetch(conversationUrl(id), { headers: { authorization: `Bearer ${bearer}` } })
const bulk = (id: string, body: unknown, query = '', bearer = token) =>
  postJson(`${conversationUrl(id)}/messages/bulk${query}`, bearer, body)

const customerSays = (customer: string, text: string) =>
  sendPrefetched(genesys.url, token, customer, text)

interface Participant {
  purpose: string
  state: string
  messages: Array<{ messageId: string; messageTime: string; messageStatus: string }>
}

describe('GET /api/v2/conversations/messages/{conversationId}', () => {
  test('lists the customer participant with the ids of its messages, oldest first', async () => {
    const first = await customerSays('conv-reader-1', 'one')
    const second = await customerSays('conv-reader-1', 'two')
    expect(second.conversationId).toBe(first.conversationId)
    const response = await getConversation(first.conversationId)
    expect(response.status).toBe(200)
    const conversation = (await response.json()) as { id: string; participants: Participant[] }
    expect(conversation.id).toBe(first.conversationId)
    const customer = conversation.participants.find((p) => p.purpose === 'customer')!
    expect(customer.state).toBe('connected')
    expect(customer.messages.map((m) => m.messageId)).toEqual([first.id, second.id])
    expect(customer.messages[0]).toMatchObject({ messageStatus: 'received' })
  })

  test('shows the agent participant once the agent wrote, and the end of the conversation', async () => {
    const said = await customerSays('conv-reader-2', 'hello')
    const reply = await genesys.control.agentSends({
      conversationId: said.conversationId,
      text: 'hi',
    })
    genesys.control.disconnect({ conversationId: said.conversationId })
    const conversation = (await (await getConversation(said.conversationId)).json()) as {
      participants: Participant[]
    }
    const agent = conversation.participants.find((p) => p.purpose === 'agent')!
    expect(agent.messages.map((m) => m.messageId)).toEqual([reply.messageId])
    expect(conversation.participants.every((p) => p.state === 'disconnected')).toBe(true)
  })

  test('is a 404 for an unknown id and for another org, 401 without a token', async () => {
    expect((await getConversation('00000000-0000-0000-0000-000000000000')).status).toBe(404)
    const said = await customerSays('conv-reader-3', 'mine')
    const otherOrg = await getToken(genesys.url, 'client-b', 'secret-b')
    expect((await getConversation(said.conversationId, otherOrg)).status).toBe(404)
    expect((await getConversation(said.conversationId, 'not-a-token')).status).toBe(401)
  })

  test('needs the view permission', async () => {
    genesys.control.seed({
      clients: [
        {
          clientId: 'client-receive-only',
          clientSecret: 'secret-r',
          orgId: 'org-a',
          permissions: ['conversation:message:receive'],
        },
      ],
    })
    const said = await customerSays('conv-reader-4', 'x')
    const limited = await getToken(genesys.url, 'client-receive-only', 'secret-r')
    expect((await getConversation(said.conversationId, limited)).status).toBe(403)
    expect((await bulk(said.conversationId, [said.id], '', limited)).status).toBe(403)
  })
})

describe('POST /api/v2/conversations/messages/{conversationId}/messages/bulk', () => {
  test('answers MessageData with the provider message id the integration supplied', async () => {
    const said = await customerSays('bulk-1', 'find me')
    const response = await bulk(said.conversationId, [said.id, 'f'.repeat(32)])
    expect(response.status).toBe(200)
    const listing = (await response.json()) as { entities: unknown[]; total: number }
    expect(listing.total).toBe(1)
    expect(listing.entities).toEqual([
      expect.objectContaining({
        id: said.id,
        providerMessageId: said.channelMessageId,
        direction: 'inbound',
        messengerType: 'open',
        textBody: 'find me',
        status: 'received',
        conversationId: said.conversationId,
        timestamp: expect.any(String),
      }),
    ])
  })

  test('leaves out messages of another conversation', async () => {
    const mine = await customerSays('bulk-2', 'a')
    const theirs = await customerSays('bulk-3', 'b')
    const listing = (await (await bulk(mine.conversationId, [theirs.id, mine.id])).json()) as {
      entities: Array<{ id: string }>
    }
    expect(listing.entities.map((e) => e.id)).toEqual([mine.id])
  })

  test('with useNormalizedMessage=true gives the normalized message instead of textBody', async () => {
    const said = await customerSays('bulk-4', 'normal')
    const listing = (await (
      await bulk(said.conversationId, [said.id], '?useNormalizedMessage=true')
    ).json()) as {
      entities: Array<Record<string, unknown>>
    }
    expect(listing.entities[0]).not.toHaveProperty('textBody')
    expect(listing.entities[0]).toMatchObject({ normalizedMessage: { text: 'normal' } })
  })

  test('refuses what is not an array of ids, too many ids, and unknown conversations', async () => {
    const said = await customerSays('bulk-5', 'x')
    expect((await bulk(said.conversationId, { ids: [said.id] })).status).toBe(400)
    expect((await bulk(said.conversationId, [said.id, 3])).status).toBe(400)
    const tooMany = Array.from({ length: 101 }, (_, i) => `${i}`.padStart(32, '0'))
    expect((await bulk(said.conversationId, tooMany)).status).toBe(400)
    expect((await bulk(said.conversationId, tooMany.slice(0, 100))).status).toBe(200)
    expect((await bulk('00000000-0000-0000-0000-000000000000', [said.id])).status).toBe(404)
  })

  test('counts against the per-token rate limit like every API call', async () => {
    const said = await customerSays('bulk-6', 'x')
    const response = await bulk(said.conversationId, [said.id])
    expect(Number(response.headers.get('inin-ratelimit-count'))).toBeGreaterThan(0)
    expect(response.headers.get('inin-ratelimit-allowed')).toBe('300')
  })
})

test('the Published receipt of an inbound message names its conversation and messageId', async () => {
  const receiver = await startWebhookReceiver()
  const { genesys: emulator, token: bearer } = await startWithToken(testSeed(receiver.url))
  try {
    const body = inboundMessage('receipt-1', 'hello')
    const answer = (await (
      await postJson(
        `${inboundPath(emulator.url, 'message')}?prefetchConversationId=true`,
        bearer,
        body,
      )
    ).json()) as { id: string; conversationId: string }
    await emulator.control.idle()
    expect(receiver.bodies()).toEqual([
      expect.objectContaining({
        id: answer.id,
        type: 'Receipt',
        status: 'Published',
        channel: expect.objectContaining({
          messageId: body.channel.messageId,
          id: TEST_INTEGRATION_ID,
        }),
        conversationId: answer.conversationId,
      }),
    ])
  } finally {
    await emulator.close()
    await receiver.close()
  }
})
