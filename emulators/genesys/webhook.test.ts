import { createHmac, timingSafeEqual } from 'node:crypto'

import { afterEach, describe, expect, test } from 'vitest'

import { type GenesysEmulator, startGenesysEmulator } from './index.ts'
import {
  getToken,
  inboundMessage,
  inboundPath,
  postJson,
  type ReceivedWebhook,
  startWebhookReceiver,
  TEST_INTEGRATION_ID,
  TEST_WEBHOOK_TOKEN,
  testSeed,
} from './test-helpers.ts'

/** The receiver side, written from the docs (validate.html), not from the emulator's code. */
function signatureValid(request: ReceivedWebhook, secret: string): boolean {
  const header = String(request.headers['x-hub-signature-256'] ?? '')
  const expected = `sha256=${createHmac('sha256', secret).update(request.raw).digest('base64')}`
  return (
    header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected))
  )
}

let genesys: GenesysEmulator
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>

async function setup(respond?: (n: number) => number | 'hang', inboundReceipts = false) {
  receiver = await startWebhookReceiver(respond)
  const seed = testSeed(receiver.url)
  genesys = await startGenesysEmulator({
    seed: { ...seed, integrations: seed.integrations!.map((i) => ({ ...i, inboundReceipts })) },
    webhook: { retryDelayMs: 20, timeoutMs: 300 },
  })
  const token = await getToken(genesys.url)
  const response = await postJson(
    inboundPath(genesys.url, 'message'),
    token,
    inboundMessage('cust-1', 'hi'),
  )
  expect(response.status).toBe(200)
  return token
}

afterEach(async () => {
  await genesys.close()
  await receiver.close()
})

const target = { integrationId: TEST_INTEGRATION_ID, toId: 'cust-1' }

describe('agent messages', () => {
  test('are signed with X-Hub-Signature-256 over the exact bytes, as compact JSON', async () => {
    await setup()
    const ref = await genesys.control.agentSends({ ...target, text: 'Hi, this is Ana' })
    await genesys.control.idle()
    const [request] = receiver.requests
    expect(request!.headers['content-type']).toBe('application/json')
    expect(signatureValid(request!, TEST_WEBHOOK_TOKEN)).toBe(true)
    expect(signatureValid(request!, 'some-other-secret-value')).toBe(false)
    const body = JSON.parse(request!.raw.toString('utf8')) as Record<string, unknown>
    expect(JSON.stringify(body)).toBe(request!.raw.toString('utf8'))
    expect(body).toEqual({
      id: ref.messageId,
      channel: {
        id: TEST_INTEGRATION_ID,
        platform: 'Open',
        type: 'Private',
        to: { id: 'cust-1', idType: 'Opaque' },
        from: { nickname: 'Test integration', id: TEST_INTEGRATION_ID, idType: 'Opaque' },
        metadata: { subType: 'None' },
        time: expect.any(String),
        messageId: ref.messageId,
      },
      type: 'Text',
      text: 'Hi, this is Ana',
      originatingEntity: 'Human',
      direction: 'Outbound',
      conversationId: ref.conversationId,
    })
    expect(genesys.control.outbound().find((m) => m.messageId === ref.messageId)?.state).toBe(
      'delivered',
    )
  })

  test('are retried on 500 with the same id, then delivered', async () => {
    await setup((n) => (n < 2 ? 500 : 200))
    const ref = await genesys.control.agentSends({ ...target, text: 'retry me' })
    await genesys.control.idle()
    const attempts = genesys.control.deliveries().filter((d) => d.messageId === ref.messageId)
    expect(attempts.map((a) => [a.attempt, a.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 200],
    ])
    expect(new Set(receiver.bodies().map((b) => b.id))).toEqual(new Set([ref.messageId]))
    expect(receiver.requests.every((r) => signatureValid(r, TEST_WEBHOOK_TOKEN))).toBe(true)
  })

  test('fail after the initial attempt and 5 retries; a 400 is not retried', async () => {
    await setup((n) => (n < 6 ? 503 : 400))
    const failing = await genesys.control.agentSends({ ...target, text: 'never' })
    await genesys.control.idle()
    const rejected = await genesys.control.agentSends({ ...target, text: 'refused' })
    await genesys.control.idle()
    const byId = (id: string) => genesys.control.deliveries().filter((d) => d.messageId === id)
    expect(byId(failing.messageId)).toHaveLength(6)
    expect(byId(rejected.messageId).map((d) => d.status)).toEqual([400])
    const states = genesys.control.outbound().map((m) => [m.messageId, m.state])
    expect(states).toEqual([
      [failing.messageId, 'failed'],
      [rejected.messageId, 'failed'],
    ])
  })

  test('a receiver that does not answer in time is retried', async () => {
    await setup((n) => (n === 0 ? 'hang' : 200))
    const ref = await genesys.control.agentSends({ ...target, text: 'slow' })
    await genesys.control.idle()
    const attempts = genesys.control.deliveries().filter((d) => d.messageId === ref.messageId)
    expect(attempts.map((a) => a.error ?? a.status)).toEqual(['timeout', 200])
  })

  test('after a rotation, webhooks are signed with the new token only', async () => {
    await setup()
    const newToken = 'rotated-webhook-token-9876543210'
    expect(() => genesys.control.rotateWebhookToken(TEST_INTEGRATION_ID, 'short')).toThrow(/15/)
    genesys.control.rotateWebhookToken(TEST_INTEGRATION_ID, newToken)
    await genesys.control.agentSends({ ...target, text: 'after rotation' })
    await genesys.control.idle()
    const last = receiver.requests.at(-1)!
    expect(signatureValid(last, newToken)).toBe(true)
    expect(signatureValid(last, TEST_WEBHOOK_TOKEN)).toBe(false)
  })

  test('attachments are served by the emulator at the URL in the webhook', async () => {
    await setup()
    await genesys.control.agentSends({
      ...target,
      attachments: [
        { mediaType: 'Image', mime: 'image/png', filename: 'logo.png', content: 'PNGDATA' },
      ],
    })
    await genesys.control.idle()
    const body = receiver.bodies().at(-1) as {
      text?: string
      content: { attachment: Record<string, unknown> }[]
    }
    expect(body.text).toBeUndefined()
    const attachment = body.content[0]!.attachment
    expect(attachment).toMatchObject({
      mediaType: 'Image',
      mime: 'image/png',
      filename: 'logo.png',
      contentSizeBytes: 7,
    })
    const download = await fetch(String(attachment.url))
    expect(download.headers.get('content-type')).toBe('image/png')
    expect(await download.text()).toBe('PNGDATA')
    await expect(
      genesys.control.agentSends({
        ...target,
        attachments: [{ mediaType: 'File', mime: 'application/pdf', filename: 'a.pdf' }],
      }),
    ).rejects.toThrow(/not allowed/)
  })

  test('typing is an Event webhook; webhookHeaders are sent on every POST', async () => {
    await setup()
    genesys.control.updateIntegration(TEST_INTEGRATION_ID, {
      webhookHeaders: { 'x-tenant': 'acme' },
    })
    await genesys.control.agentTyping(target)
    await genesys.control.idle()
    expect(receiver.requests.at(-1)!.headers['x-tenant']).toBe('acme')
    expect(receiver.bodies().at(-1)).toMatchObject({
      type: 'Event',
      events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
      direction: 'Outbound',
    })
  })
})

describe('receipts', () => {
  test('Genesys posts a Receipt webhook for each accepted inbound message', async () => {
    await setup(undefined, true)
    await genesys.control.idle()
    const [receipt] = receiver.bodies()
    expect(receipt).toMatchObject({
      id: genesys.control.received()[0]!.id,
      type: 'Receipt',
      status: 'Published',
      direction: 'Inbound',
    })
  })

  test('receipts the bridge posts for agent messages are matched by id', async () => {
    const token = await setup()
    const ref = await genesys.control.agentSends({ ...target, text: 'did you get this?' })
    const receipt = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
      id,
      channel: { to: { id: 'cust-1', idType: 'Opaque' }, time: '2024-05-01T13:01:20.000Z' },
      status,
      isFinalReceipt: true,
      ...extra,
    })
    const ok = await postJson(
      inboundPath(genesys.url, 'receipt'),
      token,
      receipt(ref.messageId, 'Delivered'),
    )
    expect(await ok.json()).toMatchObject({
      id: ref.messageId,
      type: 'Receipt',
      status: 'Delivered',
    })
    const unknown = await postJson(
      inboundPath(genesys.url, 'receipt'),
      token,
      receipt('0'.repeat(32), 'Delivered'),
    )
    expect(await unknown.json()).toMatchObject({
      status: 'Failed',
      reasons: [{ code: 'UnknownMessage' }],
    })
    for (const bad of [receipt(ref.messageId, 'Read'), receipt(ref.messageId, 'Failed')])
      expect((await postJson(inboundPath(genesys.url, 'receipt'), token, bad)).status).toBe(400)
    const failed = receipt(ref.messageId, 'Failed', {
      reasons: [{ code: 'GeneralError', message: 'Teams refused' }],
    })
    expect((await postJson(inboundPath(genesys.url, 'receipt'), token, failed)).status).toBe(200)
    expect(genesys.control.receipts().map((r) => [r.status, r.matched])).toEqual([
      ['Delivered', true],
      ['Delivered', false],
      ['Failed', true],
    ])
    const message = genesys.control.outbound().find((m) => m.messageId === ref.messageId)!
    expect(message.receipts.map((r) => r.status)).toEqual(['Delivered', 'Failed'])
  })
})
