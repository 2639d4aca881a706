import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  eventuallyFound,
  startWebhookHarness,
  type WebhookHarness,
  WEBHOOKS,
} from './webhook-harness.ts'
import { botUser, genesysMessage, genesysSignature } from './webhook-requests.ts'

// A 1x1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
)

/** A local server that counts what reaches it; `answer` decides the reply. */
async function countingServer(answer: (res: ServerResponse) => void) {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '')
    answer(res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    hits,
    host: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

describe('attachment URLs outside the allowed hosts, redirects and private addresses are refused', () => {
  let h: WebhookHarness
  let bait: Awaited<ReturnType<typeof countingServer>>
  let target: Awaited<ReturnType<typeof countingServer>>
  let redirector: Awaited<ReturnType<typeof countingServer>>

  beforeAll(async () => {
    const png = (res: ServerResponse) =>
      res.writeHead(200, { 'content-type': 'image/png' }).end(PNG)
    // Loopback and not trusted: a private address, as an internal service would be.
    bait = await countingServer(png)
    // Trusted (like an emulator) and serving a PNG: only reachable by following a redirect.
    target = await countingServer(png)
    redirector = await countingServer((res) =>
      res.writeHead(302, { location: `http://${target.host}/final.png` }).end(),
    )
    h = await startWebhookHarness({ trustedHosts: [redirector.host, target.host] })
    // An open Genesys conversation: the customer writes first.
    h.s.graph.control.userSends({
      chatId: h.s.demo.chatId,
      userId: h.s.demo.customer.id,
      text: 'hello, I will send files',
    })
    await eventuallyFound('customer in Genesys', () => h.s.genesys.control.received()[0])
  })
  afterAll(async () => {
    await h?.close()
    await Promise.all([bait?.close(), target?.close(), redirector?.close()])
  })

  const teamsMessageWith = (marker: string) =>
    eventuallyFound(`"${marker}" in Teams`, () =>
      h.s.graph.control
        .messages(h.s.demo.chatId)
        .find(
          (m) => m.from?.user?.id === h.s.demo.serviceAccount.id && m.body.content.includes(marker),
        ),
    )

  /** The agent sends `see {name}` with one image attachment at `url` (a signed webhook). */
  const agentSendsAttachment = (url: string, name: string) => {
    const message = genesysMessage(h.s, {
      text: `see ${name}`,
      content: [
        {
          contentType: 'Attachment',
          attachment: { mediaType: 'Image', url, mime: 'image/png', filename: name },
        },
      ],
    })
    message.channel.to = { id: h.s.genesys.control.received()[0]!.from.id }
    const body = JSON.stringify(message)
    return h.inject({
      method: 'POST',
      url: WEBHOOKS.genesys,
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': genesysSignature(h.s, body),
      },
    })
  }

  it.each([
    ['a host outside attachmentHosts', 'https://evil.example/x.png', 'outside.png'],
    ['a private, untrusted address', () => `http://${bait.host}/x.png`, 'private.png'],
    ['a trusted host that redirects', () => `http://${redirector.host}/x.png`, 'redirect.png'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', 'metadata.png'],
    ['a file: URL', 'file:///etc/passwd', 'file.png'],
  ])('Genesys → Teams: an agent attachment on %s is not fetched', async (_what, url, name) => {
    const response = await agentSendsAttachment(typeof url === 'string' ? url : url(), name)
    expect(response.statusCode).toBe(202)
    const posted = await teamsMessageWith(`see ${name}`)
    expect(posted.body.content).toContain(`[attachment not forwarded: ${name}]`)
    expect(posted.body.content).not.toMatch(/evil\.example|127\.0\.0\.1|169\.254|file:/)
    expect(bait.hits).toEqual([])
    expect(target.hits).toEqual([])
    expect(await h.s.bridge.infra.queue.stats()).toMatchObject({ parked: 0 })
  })

  it('Genesys → Teams: the same attachment on a trusted host is fetched (the refusals are not vacuous)', async () => {
    const response = await agentSendsAttachment(`http://${target.host}/direct.png`, 'direct.png')
    expect(response.statusCode).toBe(202)
    const posted = await teamsMessageWith('direct.png</a>')
    expect(posted.body.content).toContain(`${h.s.bridge.url}/blobs/`)
    expect(target.hits).toEqual(['/direct.png'])
    // The redirecting host was asked once; its redirect to the same target was not followed.
    expect(redirector.hits).toEqual(['/x.png'])
  })

  it('Teams (bot) → Genesys: attachments on a private address or behind a redirect are not fetched', async () => {
    const before = h.s.genesys.control.received().length
    await h.s.botframework.control.userSends({
      user: botUser(h.s),
      text: 'my screenshots (bot)',
      attachments: [
        { contentType: 'image/png', contentUrl: `http://${bait.host}/y.png`, name: 'y.png' },
        { contentType: 'image/png', contentUrl: `http://${redirector.host}/z.png`, name: 'z.png' },
      ],
    })
    await h.s.bridge.infra.queue.idle()
    expect(bait.hits).toEqual([])
    expect(target.hits).not.toContain('/final.png')
    const forwarded = JSON.stringify(h.s.genesys.control.received().slice(before))
    expect(forwarded).not.toContain(bait.host)
    expect(forwarded).not.toContain(redirector.host)
    expect(await h.s.bridge.infra.queue.stats()).toMatchObject({ parked: 0 })
  })
})
