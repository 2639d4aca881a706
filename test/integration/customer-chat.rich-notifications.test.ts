import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { eventually, startTestSandbox } from '../support/sandbox.ts'

describe('customer chat with rich (encrypted) Graph notifications', () => {
  let s: Awaited<ReturnType<typeof startTestSandbox>>
  beforeAll(async () => {
    s = await startTestSandbox({ richNotifications: true, routePolicy: { replyQuote: 'strip' } })
  })
  afterAll(async () => s?.close())

  it('decrypts the message from the notification, without fetching it', async () => {
    const subscription = s.graph.control.subscriptions()[0]!
    expect(subscription).toMatchObject({
      includeResourceData: true,
      encryptionCertificateId: 'sandbox-notification-cert',
    })
    s.graph.control.userSends({
      chatId: s.demo.chatId,
      userId: s.demo.customer.id,
      text: 'sealed hello',
    })
    await eventually('message in Genesys', () => s.genesys.control.received().length === 1)
    expect(s.genesys.control.received()[0]!.text).toBe('sealed hello')
    // The emulator records a delivery once the bridge answered, which may come after the
    // message reached Genesys (the worker starts before the acknowledging fsync ends).
    const rich = await eventually('the notification delivery recorded', () =>
      s.graph.control.deliveries().find((d) => d.kind === 'notification'),
    )
    expect(JSON.stringify(rich?.payload)).toContain('encryptedContent')
  })

  it('strips quoted replies when the route says so', async () => {
    const reply = await s.genesys.control.agentSends({
      integrationId: s.demo.genesys.integrationId,
      toId: s.genesys.control.received()[0]!.from.id,
      text: 'What is your order number?',
    })
    expect(reply.messageId).toBeTruthy()
    const agentMessage = await eventually('reply in Teams', () =>
      s.graph.control
        .messages(s.demo.chatId)
        .find((m) => m.from?.user?.id === s.demo.serviceAccount.id),
    )
    s.graph.control.userSends({
      chatId: s.demo.chatId,
      userId: s.demo.customer.id,
      text: '1042',
      replyToMessageId: agentMessage!.id,
    })
    await eventually('second message in Genesys', () => s.genesys.control.received().length === 2)
    expect(s.genesys.control.received()[1]!.text).toBe('1042')
  })
})
