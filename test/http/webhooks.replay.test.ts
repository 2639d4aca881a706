import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { eventually } from '../support/sandbox.ts'
import { startWebhookHarness, type WebhookHarness, WEBHOOKS } from './webhook-harness.ts'
import { botToken, botUser } from './webhook-requests.ts'

/**
 * Remotes deliver at least once: Graph and Genesys retry, the Bot Connector may repeat. A
 * replayed genuine delivery is acknowledged (so the remote stops) but processed once.
 */
describe('replayed genuine deliveries are acknowledged and processed once', () => {
  let h: WebhookHarness
  beforeAll(async () => {
    h = await startWebhookHarness()
  })
  afterAll(async () => h?.close())

  const inGenesys = (text: string) => h.s.genesys.control.received().filter((m) => m.text === text)
  /** The agent's answer reaches Teams by the path the customer last wrote on (chat or bot). */
  const inTeams = (text: string) => [
    ...h.s.graph.control
      .messages(h.s.demo.chatId)
      .filter((m) => m.from?.user?.id === h.s.demo.serviceAccount.id)
      .filter((m) => m.body.content.includes(text)),
    ...h.s.botframework.control
      .sent()
      .filter((a) => String((a.activity as { text?: string }).text).includes(text)),
  ]
  const settle = async () => {
    await h.s.bridge.infra.queue.idle()
    await h.s.genesys.control.idle()
    await h.s.graph.control.idle()
    await h.s.bridge.infra.queue.idle()
  }
  const customerId = async () => {
    if (!h.s.genesys.control.received().length) {
      h.s.graph.control.userSends({
        chatId: h.s.demo.chatId,
        userId: h.s.demo.customer.id,
        text: 'opening the conversation',
      })
    }
    return eventually('customer in Genesys', () => h.s.genesys.control.received()[0]?.from.id)
  }

  it('Graph: the same notification posted again, also concurrently, reaches Genesys once', async () => {
    const text = 'replay me through Graph'
    const message = h.s.graph.control.userSends({
      chatId: h.s.demo.chatId,
      userId: h.s.demo.customer.id,
      text,
    })
    await eventually('message in Genesys', () => inGenesys(text).length === 1)
    // The emulator records a delivery once the bridge answered, which may come after the
    // message reached Genesys (the worker starts before the acknowledging fsync ends).
    const delivery = await eventually('the notification delivery recorded', () =>
      h.s.graph.control
        .deliveries()
        .find((d) => d.kind === 'notification' && JSON.stringify(d.payload).includes(message.id)),
    )
    expect(delivery?.status).toBe(202)

    const replay = () =>
      h.inject({
        method: 'POST',
        url: WEBHOOKS.graphNotifications,
        payload: JSON.stringify(delivery!.payload),
        headers: { 'content-type': 'application/json' },
      })
    expect((await replay()).statusCode).toBe(202)
    const concurrent = await Promise.all([replay(), replay(), replay()])
    expect(concurrent.map((r) => r.statusCode)).toEqual([202, 202, 202])
    await settle()
    expect(inGenesys(text)).toHaveLength(1)
  })

  it('Bot Framework: a duplicated activity is answered twice and reaches Genesys once', async () => {
    const text = 'replay me through the bot'
    h.s.botframework.control.injectDelivery('duplicate')
    const result = await h.s.botframework.control.userSends({ user: botUser(h.s), text })
    expect(result.deliveries).toHaveLength(2)
    for (const d of result.deliveries) expect(d.status).toBeLessThan(300)
    await eventually('bot message in Genesys', () => inGenesys(text).length === 1)
    await settle()
    expect(inGenesys(text)).toHaveLength(1)
  })

  it('Bot Framework: an activity replayed after it was processed is not sent again', async () => {
    const text = 'replayed after processing'
    const delivered = await h.s.botframework.control.userSends({ user: botUser(h.s), text })
    expect(delivered.status).toBeLessThan(300)
    const activity = JSON.stringify(delivered.activity)
    const post = async () =>
      h.inject({
        method: 'POST',
        url: WEBHOOKS.bot,
        payload: activity,
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${await botToken(h.s)}`,
        },
      })
    await eventually('bot message in Genesys', () => inGenesys(text).length === 1)
    await settle()
    expect((await post()).statusCode).toBeLessThan(300)
    await settle()
    expect(inGenesys(text)).toHaveLength(1)
  })

  it('Genesys: the same signed webhook posted again reaches Teams once', async () => {
    const toId = await customerId()
    const text = 'replay me through Genesys'
    const sent = await h.s.genesys.control.agentSends({
      integrationId: h.s.demo.genesys.integrationId,
      toId,
      text,
    })
    await eventually('agent message in Teams', () => inTeams(text).length === 1)
    // Recorded once the bridge answered, which may come after the message reached Teams.
    const delivery = await eventually('the webhook delivery recorded', () =>
      h.s.genesys.control.deliveries().find((d) => d.messageId === sent.messageId && d.status),
    )
    expect(delivery?.status).toBeLessThan(300)

    const replay = () =>
      h.inject({
        method: 'POST',
        url: WEBHOOKS.genesys,
        payload: delivery!.body,
        headers: delivery!.headers,
      })
    const answers = await Promise.all([replay(), replay()])
    for (const answer of answers) expect(answer.statusCode).toBeLessThan(300)
    await settle()
    expect(inTeams(text)).toHaveLength(1)
  })

  it('Genesys: a duplicated delivery from the emulator reaches Teams once', async () => {
    const toId = await customerId()
    const text = 'sent twice by Genesys'
    h.s.genesys.control.outboundFault({ kind: 'duplicate' })
    const sent = await h.s.genesys.control.agentSends({
      integrationId: h.s.demo.genesys.integrationId,
      toId,
      text,
    })
    await h.s.genesys.control.idle()
    const attempts = h.s.genesys.control.deliveries().filter((d) => d.messageId === sent.messageId)
    expect(attempts).toHaveLength(2)
    await eventually('agent message in Teams', () => inTeams(text).length === 1)
    await settle()
    expect(inTeams(text)).toHaveLength(1)
    expect(await h.s.bridge.infra.queue.stats()).toMatchObject({ parked: 0, failed: 0 })
  })
})
