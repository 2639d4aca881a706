import { afterEach, describe, expect, it } from 'vitest'

import {
  chatAddress,
  createGraphChannelClient,
  graphTokensFor,
} from '../../src/connectors/microsoft/graph/index.ts'
import type { HttpClient } from '../../src/connectors/shared/http.ts'
import { PolicyRefusedError, RemoteUnavailableError } from '../../src/core/errors.ts'
import type { OutgoingMessage, SendContext } from '../../src/core/ports/connector.ts'
import { silentLog } from './botframework-support.ts'
import { ALICE, type GraphWorld, SERVICE, startGraphWorld } from './graph-world.ts'

const ctx = (idempotencyKey = 'send-1'): SendContext => ({ idempotencyKey, log: silentLog })

let world: GraphWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const agentSays = (text: string, attachments: OutgoingMessage['content']['attachments'] = []) => ({
  content: { text, attachments, mentions: [] },
  sender: { role: 'agent' as const, displayName: 'Agent Smith' },
  occurredAt: '2026-01-01T00:00:00.000Z',
})

describe('Graph messages against the Graph emulator', () => {
  it('fetches the message a basic notification points to, and nothing for a deleted one', async () => {
    world = await startGraphWorld({ includeResourceData: false })
    await world.client.keepSubscriptions(world.clock.now(), ctx())
    const sent = world.graph.control.userSends({
      chatId: world.chatId,
      userId: ALICE.id,
      html: 'Hi <at id="0">Service Desk</at>, see <i>this</i>',
      mentions: [{ userId: SERVICE.id }],
    })
    await world.graph.control.idle()
    const [envelope] = world.received
    expect(envelope?.event).toEqual({
      type: 'message.notified',
      changeType: 'created',
      resource: expect.stringContaining(sent.id),
    })
    if (envelope?.event.type !== 'message.notified') return

    const incoming = await world.client.fetchMessage!(
      envelope.address,
      envelope.event.resource,
      ctx(),
    )
    expect(incoming).toMatchObject({
      remoteMessageId: sent.id,
      text: 'Hi @Service Desk, see _this_',
      sender: { aadObjectId: ALICE.id, tenantId: world.integration.settings['tenantId'] },
      mentions: [{ text: 'Service Desk', participant: { aadObjectId: SERVICE.id } }],
    })

    world.graph.control.userDeletes({ chatId: world.chatId, messageId: sent.id })
    const deleted = envelope.event.resource
    expect(await world.client.fetchMessage!(envelope.address, deleted, ctx())).toBeUndefined()
    const gone = `chats('${world.chatId}')/messages('999')`
    expect(await world.client.fetchMessage!(envelope.address, gone, ctx())).toBeUndefined()
  })

  it('sends as the service account, and its own message comes back as an echo', async () => {
    world = await startGraphWorld()
    await world.client.keepSubscriptions(world.clock.now(), ctx())
    const address = chatAddress(world.integration.id, world.chatId)
    const file = {
      name: 'invoice.pdf',
      mediaType: 'application/pdf',
      kind: 'file' as const,
      url: 'https://bridge.example/blobs/k1?exp=1&sig=abc',
    }
    const sent = await world.client.send(address, agentSays('**Thanks**, on it', [file]), ctx())

    const posted = world.graph.control.messages(world.chatId).at(-1)!
    expect(posted.id).toBe(sent.remoteMessageId)
    expect(posted.from?.user?.id).toBe(SERVICE.id)
    expect(posted.body.content).toBe(
      '<p><strong>Thanks</strong>, on it</p><p><a href="https://bridge.example/blobs/k1?exp=1&amp;sig=abc">invoice.pdf</a></p>',
    )

    await world.graph.control.idle()
    const echo = world.received.find((e) => e.event.type === 'message.created')
    if (echo?.event.type !== 'message.created') throw new Error('no echo notification')
    expect(echo.event.message.remoteMessageId).toBe(sent.remoteMessageId)
    expect(world.client.isOwnEcho(echo.event.message.sender)).toBe(true)
  })

  it('resumes a split send after a failure without posting a part twice', async () => {
    world = await startGraphWorld()
    const current = world
    let posts = 0
    const flaky: HttpClient = {
      request(req) {
        if (req.method === 'POST' && req.url.endsWith('/messages') && ++posts === 2) {
          current.graph.control.addFault({ route: 'chats.messages.create', status: 503 })
        }
        return current.deps.http.request(req)
      },
    }
    const deps = { ...current.deps, http: flaky }
    const client = createGraphChannelClient({
      integration: current.integration,
      deps,
      subscriptions: current.subscriptions,
      tokens: graphTokensFor(current.integration, deps),
    })
    const address = chatAddress(current.integration.id, current.chatId)
    const long = Array.from({ length: 3 }, (_, i) => `part ${i} ${'word '.repeat(2000)}`).join(
      '\n\n',
    )

    await expect(client.send(address, agentSays(long), ctx('long-1'))).rejects.toBeInstanceOf(
      RemoteUnavailableError,
    )
    expect(current.graph.control.messages(current.chatId)).toHaveLength(1)
    await client.send(address, agentSays(long), ctx('long-1'))
    const bodies = current.graph.control.messages(current.chatId).map((m) => m.body.content)
    expect(bodies.map((b) => /part (\d)/.exec(b)?.[1])).toEqual(['0', '1', '2'])
  })

  it('after an interrupted send, finds the posted message instead of posting it again', async () => {
    world = await startGraphWorld()
    const address = chatAddress(world.integration.id, world.chatId)
    // The first attempt reached Teams but its answer was lost (a crash or a timeout).
    const first = await world.client.send(address, agentSays('Your parcel ships today'), ctx('r-1'))
    const again = await world.client.send(address, agentSays('Your parcel ships today'), {
      ...ctx('r-1'),
      resend: true,
    })
    expect(again.remoteMessageId).toBe(first.remoteMessageId)
    expect(world.graph.control.messages(world.chatId)).toHaveLength(1)
    // A different text is not mistaken for it.
    await world.client.send(address, agentSays('Anything else?'), { ...ctx('r-2'), resend: true })
    expect(world.graph.control.messages(world.chatId)).toHaveLength(2)
  })

  it('waits out a 429 with Retry-After and then succeeds', async () => {
    world = await startGraphWorld({ includeResourceData: false })
    const sent = world.graph.control.userSends({
      chatId: world.chatId,
      userId: ALICE.id,
      text: 'hi',
    })
    world.graph.control.addFault({ route: 'chats.messages.get', status: 429, retryAfterSeconds: 1 })
    const address = chatAddress(world.integration.id, world.chatId)
    const started = Date.now()
    const incoming = await world.client.fetchMessage!(
      address,
      `chats('${world.chatId}')/messages('${sent.id}')`,
      ctx(),
    )
    expect(incoming?.text).toBe('hi')
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  })

  it('downloads pasted images and shared files within the attachment host policy', async () => {
    world = await startGraphWorld()
    await world.client.keepSubscriptions(world.clock.now(), ctx())
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')
    world.graph.control.userSends({
      chatId: world.chatId,
      userId: ALICE.id,
      html: '<p>screenshot and report</p>',
      hostedImages: [{ bytes: png, contentType: 'image/png' }],
      attachments: [
        { name: 'report.txt', bytes: Buffer.from('quarterly numbers'), contentType: 'text/plain' },
      ],
    })
    await world.graph.control.idle()
    const event = world.received.find((e) => e.event.type === 'message.created')?.event
    if (event?.type !== 'message.created') throw new Error('no message')
    const [image, report] = event.message.attachments
    expect(image).toMatchObject({ kind: 'image' })
    expect(report).toMatchObject({ kind: 'file', name: 'report.txt', mediaType: 'text/plain' })

    const gotImage = await world.client.download!(image!.url, { ...ctx(), maxBytes: 1024 })
    expect(Buffer.from(gotImage.data)).toEqual(png)
    expect(gotImage.mediaType).toBe('image/png')
    const gotReport = await world.client.download!(report!.url, { ...ctx(), maxBytes: 1024 })
    expect(Buffer.from(gotReport.data).toString()).toBe('quarterly numbers')

    await expect(
      world.client.download!('https://evil.example/steal', { ...ctx(), maxBytes: 1024 }),
    ).rejects.toBeInstanceOf(PolicyRefusedError)
  })
})
