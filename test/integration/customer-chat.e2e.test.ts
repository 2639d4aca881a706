import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { eventually, startTestSandbox } from '../support/sandbox.ts'

// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

describe('customer chat: a Teams user and a Genesys agent hold a conversation', () => {
  let s: Awaited<ReturnType<typeof startTestSandbox>>
  beforeAll(async () => {
    s = await startTestSandbox()
  })
  afterAll(async () => s?.close())

  const customerSays = (text: string, extra: object = {}) =>
    s.graph.control.userSends({ chatId: s.demo.chatId, userId: s.demo.customer.id, text, ...extra })
  const received = () => s.genesys.control.received()
  const teamsFromSupport = () =>
    s.graph.control
      .messages(s.demo.chatId)
      .filter((m) => m.from?.user?.id === s.demo.serviceAccount.id)
  const customerId = () => received()[0]!.from.id

  it('carries text, an image, a quoted reply, typing and a 429 storm, each once and in order', async () => {
    // 1. The customer writes; Genesys sees a stable identity with CRM attributes.
    customerSays('Hello, my order #1042 has not arrived')
    await eventually('first message in Genesys', () => received().length === 1)
    const first = received()[0]!
    expect(first.text).toBe('Hello, my order #1042 has not arrived')
    expect(first.from).toMatchObject({ idType: 'Opaque', firstName: 'Alex', lastName: 'Customer' })
    expect(JSON.stringify(first)).toContain(s.demo.customer.upn)

    // 2. The agent answers; it lands in the same Teams chat as the service account, and the
    //    notification of that post does not loop back to Genesys.
    const reply = await s.genesys.control.agentSends({
      integrationId: s.demo.genesys.integrationId,
      toId: customerId(),
      text: 'Hi Alex, this is Ana. Could you send a photo of the label?',
    })
    await eventually('agent reply in Teams', () => teamsFromSupport().length === 1)
    expect(teamsFromSupport()[0]!.body.content).toContain('this is Ana')
    await eventually('Delivered receipt', () =>
      s.genesys.control
        .receipts()
        .some((r) => r.id === reply.messageId && r.status === 'Delivered'),
    )

    // 3. An image: re-hosted by the bridge behind a signed URL that serves the same bytes.
    customerSays('Here it is', { hostedImages: [{ bytes: PNG, contentType: 'image/png' }] })
    await eventually('image in Genesys', () => received().length === 2)
    const image = received()[1]!
    expect(image.text).toBe('Here it is')
    const attachment = image.content[0]!.attachment
    expect(attachment.mediaType).toBe('Image')
    expect(attachment.url.startsWith(`${s.bridge.url}/blobs/`)).toBe(true)
    const served = await fetch(attachment.url)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG)
    expect((await fetch(attachment.url.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403)

    // 4. A quoted reply to the agent's message reaches Genesys as a markdown quote.
    const agentInTeams = teamsFromSupport()[0]!
    customerSays('Sorry, which label?', { replyToMessageId: agentInTeams.id })
    await eventually('quoted reply in Genesys', () => received().length === 3)
    expect(received()[2]!.text).toMatch(/^> .*Could you send a photo/m)
    expect(received()[2]!.text).toContain('Sorry, which label?')

    // 5. Typing both ways on the bot path: the agent's typing reaches Teams as a typing activity.
    const botUser = {
      id: `29:${s.demo.customer.id}`,
      aadObjectId: s.demo.customer.id,
      name: s.demo.customer.displayName,
      tenantId: s.demo.tenantId,
    }
    await s.botframework.control.userSends({ user: botUser, text: 'Also asking the bot' })
    await eventually('bot message in Genesys', () => received().length === 4)
    await s.botframework.control.userTyping({ user: botUser })
    await eventually('customer typing in Genesys', () => s.genesys.control.events().length >= 1)
    await s.genesys.control.agentTyping({
      integrationId: s.demo.genesys.integrationId,
      toId: customerId(),
    })
    await eventually('agent typing in Teams', () =>
      s.botframework.control
        .sent()
        .some((a) => (a.activity as { type?: string }).type === 'typing'),
    )

    // 6. A 429 storm from Genesys in the middle of a burst: everything arrives once, in order.
    s.genesys.control.outage({
      route: 'genesys.inbound.message',
      durationMs: 2_000,
      status: 429,
      retryAfterSeconds: 0.5,
    })
    const burst = Array.from({ length: 12 }, (_, i) => `burst ${i + 1}`)
    for (const text of burst) customerSays(text)
    await eventually('burst in Genesys', () => received().length === 4 + burst.length, 30_000)
    const texts = received().map((m) => m.text)
    expect(texts.slice(4)).toEqual(burst)
    expect(new Set(texts).size).toBe(texts.length)
    expect(received().filter((m) => m.duplicate)).toEqual([])

    // Nothing the bridge sent into Teams came back to Genesys (loop guard), nothing is parked.
    expect(texts).not.toContain('Hi Alex, this is Ana. Could you send a photo of the label?')
    expect(texts.filter((t) => t?.startsWith('Hi Alex'))).toEqual([])
    expect(await s.bridge.infra.queue.stats()).toMatchObject({ parked: 0, failed: 0 })
  })
})
