import { afterAll, beforeAll, expect, test } from 'vitest'

import type { GenesysEmulator } from './index.ts'
import {
  inboundPath,
  postJson,
  sendPrefetched,
  startWithToken,
  TEST_INTEGRATION_ID,
} from './test-helpers.ts'

let genesys: GenesysEmulator
let token: string

beforeAll(async () => {
  ;({ genesys, token } = await startWithToken())
})
afterAll(() => genesys.close())

const send = async (fromId: string, text: string) =>
  (await sendPrefetched(genesys.url, token, fromId, text)).conversationId

test('messages from the same customer join one open conversation; others get their own', async () => {
  const first = await send('alice', 'one')
  expect(await send('alice', 'two')).toBe(first)
  const bob = await send('bob', 'hello')
  expect(bob).not.toBe(first)
  expect(genesys.control.received().map((m) => [m.from.id, m.text, m.conversationId])).toEqual([
    ['alice', 'one', first],
    ['alice', 'two', first],
    ['bob', 'hello', bob],
  ])
})

test('after the agent disconnects, the next message starts a new conversation', async () => {
  const before = await send('carol', 'first contact')
  const ended = genesys.control.disconnect({ integrationId: TEST_INTEGRATION_ID, toId: 'carol' })
  expect(ended).toMatchObject({ id: before, state: 'disconnected', endedAt: expect.any(String) })
  const after = await send('carol', 'back again')
  expect(after).not.toBe(before)
  const states = genesys.control
    .conversations()
    .filter((c) => c.customer.id === 'carol')
    .map((c) => [c.id, c.state])
  expect(states).toEqual([
    [before, 'disconnected'],
    [after, 'connected'],
  ])
  await expect(
    genesys.control.agentSends({ conversationId: before, text: 'late' }),
  ).rejects.toThrow(/disconnected/)
})

test('customer typing events are recorded against the open conversation', async () => {
  const conversationId = await send('dave', 'typing next')
  const response = await postJson(inboundPath(genesys.url, 'event'), token, {
    channel: { from: { id: 'dave', idType: 'Opaque' }, time: '2024-05-01T13:01:15.000Z' },
    events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
  })
  expect(response.status).toBe(200)
  expect(await response.json()).toMatchObject({ type: 'Event', events: [{ eventType: 'Typing' }] })
  expect(genesys.control.events().at(-1)).toMatchObject({ conversationId, from: { id: 'dave' } })
  const bad = await postJson(inboundPath(genesys.url, 'event'), token, {
    channel: { from: { id: 'dave', idType: 'Opaque' }, time: '2024-05-01T13:01:15.000Z' },
    events: [{ eventType: 'Typing', typing: { type: 'Off' } }],
  })
  expect(bad.status).toBe(400)
  expect(((await bad.json()) as { message: string }).message).toContain('events[0].typing.type')
})
