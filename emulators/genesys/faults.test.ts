import { afterEach, beforeEach, describe, expect, test } from 'vitest'

import { EmulatorClock } from '../kit/clock.ts'
import { type GenesysEmulator, startGenesysEmulator } from './index.ts'
import {
  getToken,
  inboundMessage,
  inboundPath,
  postJson,
  startWebhookReceiver,
  TEST_INTEGRATION_ID,
  testSeed,
} from './test-helpers.ts'

let genesys: GenesysEmulator
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>
let token: string
const clock = new EmulatorClock()

beforeEach(async () => {
  receiver = await startWebhookReceiver()
  const seed = testSeed(receiver.url)
  genesys = await startGenesysEmulator({
    clock,
    seed: {
      ...seed,
      integrations: seed.integrations!.map((i) => ({ ...i, inboundReceipts: false })),
    },
    webhook: { retryDelayMs: 10, reorderHoldMs: 200 },
  })
  token = await getToken(genesys.url)
})
afterEach(async () => {
  await genesys.close()
  await receiver.close()
})

const send = (text: string) =>
  postJson(inboundPath(genesys.url, 'message'), token, inboundMessage('c1', text))

describe('API faults', () => {
  test('failNext answers the injected status once, with Retry-After and a Genesys error body', async () => {
    genesys.control.failNext({
      route: 'genesys.inbound.message',
      status: 503,
      retryAfterSeconds: 2,
    })
    const failed = await send('one')
    expect(failed.status).toBe(503)
    expect(failed.headers.get('retry-after')).toBe('2')
    expect(await failed.json()).toMatchObject({ code: 'service.unavailable', status: 503 })
    expect((await send('one')).status).toBe(200)
    expect(genesys.control.received().map((m) => m.text)).toEqual(['one'])
  })

  test('a dropped request looks like a timeout; latency delays the answer', async () => {
    genesys.control.failNext({ route: 'genesys.inbound.message', drop: true })
    await expect(send('lost')).rejects.toThrow()
    genesys.control.failNext({ route: 'genesys.inbound.message', latencyMs: 150 })
    const started = performance.now()
    expect((await send('late')).status).toBe(200)
    expect(performance.now() - started).toBeGreaterThanOrEqual(140)
  })

  test('an outage lasts for its duration on the emulator clock', async () => {
    genesys.control.outage({ route: '*', status: 502, durationMs: 30_000 })
    expect((await send('a')).status).toBe(502)
    expect((await getToken(genesys.url).catch((e: Error) => e.message)) as string).toMatch(/502/)
    clock.advance(30_000)
    expect((await send('a')).status).toBe(200)
  })

  test('token endpoint faults and clearFaults', async () => {
    genesys.control.failNext({ route: 'genesys.oauth.token', status: 500, times: 5 })
    await expect(getToken(genesys.url)).rejects.toThrow(/500/)
    genesys.control.clearFaults()
    expect(await getToken(genesys.url)).toEqual(expect.any(String))
  })
})

describe('outbound webhook faults', () => {
  test('duplicate delivers the same signed webhook twice', async () => {
    await send('open')
    genesys.control.outboundFault({ kind: 'duplicate' })
    const ref = await genesys.control.agentSends({
      integrationId: TEST_INTEGRATION_ID,
      toId: 'c1',
      text: 'twice',
    })
    await genesys.control.idle()
    expect(receiver.bodies().map((b) => b.id)).toEqual([ref.messageId, ref.messageId])
    expect(receiver.requests[0]!.raw.equals(receiver.requests[1]!.raw)).toBe(true)
  })

  test('reorder swaps a message with the next one', async () => {
    await send('open')
    const target = { integrationId: TEST_INTEGRATION_ID, toId: 'c1' }
    genesys.control.outboundFault({ kind: 'reorder' })
    await genesys.control.agentSends({ ...target, text: 'first' })
    await genesys.control.agentSends({ ...target, text: 'second' })
    await genesys.control.idle()
    expect(receiver.bodies().map((b) => b.text)).toEqual(['second', 'first'])
  })

  test('a held message is released on its own when nothing follows', async () => {
    await send('open')
    genesys.control.outboundFault({ kind: 'reorder' })
    await genesys.control.agentSends({
      integrationId: TEST_INTEGRATION_ID,
      toId: 'c1',
      text: 'alone',
    })
    await genesys.control.idle()
    expect(receiver.bodies().map((b) => b.text)).toEqual(['alone'])
  })

  test('a percent fault applies to that share of messages until cleared', async () => {
    await send('open')
    const target = { integrationId: TEST_INTEGRATION_ID, toId: 'c1' }
    genesys.control.outboundFault({ kind: 'duplicate', percent: 100 })
    await genesys.control.agentSends({ ...target, text: 'a' })
    await genesys.control.agentSends({ ...target, text: 'b' })
    genesys.control.clearFaults()
    await genesys.control.agentSends({ ...target, text: 'c' })
    await genesys.control.idle()
    expect(receiver.bodies().map((b) => b.text)).toEqual(['a', 'a', 'b', 'b', 'c'])
  })
})

describe('HTTP control API', () => {
  test('the same verbs work over /_emulator/*', async () => {
    const control = (method: string, path: string, body?: unknown) =>
      fetch(`${genesys.url}/_emulator/${path}`, {
        method,
        ...(body !== undefined && {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      })
    expect(
      (
        await control('POST', 'faults', {
          route: 'genesys.inbound.message',
          status: 429,
          retryAfterSeconds: 1,
        })
      ).status,
    ).toBe(204)
    expect((await send('x')).status).toBe(429)
    expect((await send('hello')).status).toBe(200)
    const received = (await (await control('GET', 'received')).json()) as { text: string }[]
    expect(received.map((m) => m.text)).toEqual(['hello'])
    const sent = await control('POST', 'agent/messages', {
      integrationId: TEST_INTEGRATION_ID,
      toId: 'c1',
      text: 'from console',
    })
    expect(sent.status).toBe(202)
    expect(await sent.json()).toMatchObject({ messageId: expect.stringMatching(/^[0-9a-f]{32}$/) })
    expect((await control('POST', 'idle')).status).toBe(204)
    expect(receiver.bodies().map((b) => b.text)).toEqual(['from console'])
    const missing = await control('POST', 'agent/messages', {
      integrationId: TEST_INTEGRATION_ID,
      toId: 'nobody',
      text: 'x',
    })
    expect(missing.status).toBe(404)
    expect((await control('POST', 'tokens/expire')).status).toBe(204)
    expect((await send('after expiry')).status).toBe(401)
  })
})
