import { afterEach, beforeEach, describe, expect, test } from 'vitest'

import type { ChatMessage } from './index.ts'
import {
  ALICE,
  APP,
  BOB,
  FOREIGN_APP,
  type Harness,
  OUTSIDER,
  SERVICE,
  startHarness,
  TENANT,
} from './testing/harness.ts'

let h: Harness
beforeEach(async () => {
  h = await startHarness()
})
afterEach(async () => {
  await h.graph.close()
})

type ErrorBody = { error: { code: string; message: string; innerError: Record<string, string> } }
type Page = { value: ChatMessage[]; '@odata.nextLink'?: string }

describe('authentication', () => {
  test('no token, a bad token and another tenant’s token get 401 in Graph’s shape', async () => {
    const missing = await h.call('GET', `/chats/${h.chatId}/messages`, { token: null })
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toContain('Bearer')
    const body = (await missing.json()) as ErrorBody
    expect(body.error.code).toBe('InvalidAuthenticationToken')
    expect(body.error.message).toBe('Access token is empty.')
    expect(Object.keys(body.error.innerError).sort()).toEqual([
      'client-request-id',
      'date',
      'request-id',
    ])
    expect(body.error.innerError.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/)

    expect((await h.call('GET', '/users', { token: 'not.a.jwt' })).status).toBe(401)
    const wrongAudience = await h.tokens.app(APP, 'https://api.botframework.com/.default')
    expect((await h.call('GET', '/users', { token: wrongAudience })).status).toBe(401)
    const otherTenant = await h.tokens.app(FOREIGN_APP)
    expect((await h.call('GET', '/users', { token: otherTenant })).status).toBe(401)
  })

  test('client-request-id is echoed and request-id is set', async () => {
    const res = await h.call('GET', `/users/${ALICE.userPrincipalName}`, {
      headers: { 'client-request-id': 'abc-123' },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('client-request-id')).toBe('abc-123')
    expect(res.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect(await res.json()).toMatchObject({
      id: ALICE.id,
      displayName: 'Alice Kline',
      userPrincipalName: 'alice@contoso.com',
    })
  })
})

describe('posting chat messages', () => {
  const post = (token: string, body: unknown) =>
    h.call('POST', `/chats/${h.chatId}/messages`, { token, body })

  test('an application token cannot post an ordinary message', async () => {
    const res = await post(await h.appToken(), { body: { content: 'hi' } })
    expect(res.status).toBe(403)
    const body = (await res.json()) as ErrorBody
    expect(body.error.code).toBe('Unauthorized')
    expect(body.error.message).toContain('application-only context only for import purposes')
    expect(h.graph.control.messages(h.chatId)).toHaveLength(0)
  })

  test('a delegated member posts; the message is shaped like Graph’s and readable with an app token', async () => {
    const res = await post(h.serviceToken, {
      body: { contentType: 'html', content: '<p>Hello</p>' },
    })
    expect(res.status).toBe(201)
    const created = (await res.json()) as ChatMessage & { '@odata.context': string }
    expect(created['@odata.context']).toBe(
      `${h.graph.url}/$metadata#chats('${encodeURIComponent(h.chatId)}')/messages/$entity`,
    )
    expect(created).toMatchObject({
      replyToId: null,
      etag: created.id,
      messageType: 'message',
      chatId: h.chatId,
      importance: 'normal',
      locale: 'en-us',
      webUrl: null,
      channelIdentity: null,
      from: {
        application: null,
        device: null,
        user: {
          id: SERVICE.id,
          displayName: 'Service Desk',
          userIdentityType: 'aadUser',
          tenantId: TENANT,
        },
      },
      body: { contentType: 'html', content: '<p>Hello</p>' },
      attachments: [],
      mentions: [],
      reactions: [],
    })
    expect(created.id).toMatch(/^\d{13}$/)
    const read = await h.call('GET', `/chats/${h.chatId}/messages/${created.id}`)
    expect(read.status).toBe(200)
    expect(h.graph.control.messages(h.chatId).map((m) => m.id)).toEqual([created.id])
  })

  test('a delegated user outside the chat gets 403', async () => {
    const outsider = await h.userToken(OUTSIDER)
    expect((await post(outsider, { body: { content: 'x' } })).status).toBe(403)
  })

  test('Graph’s body rules: mentions need <at>, attachments need <attachment>, no from outside migration', async () => {
    const mention = {
      body: { contentType: 'html', content: 'Hi <at id="0">Bob</at>' },
      mentions: [
        {
          id: 0,
          mentionText: 'Bob',
          mentioned: { user: { id: BOB.id, displayName: 'Bob', userIdentityType: 'aadUser' } },
        },
      ],
    }
    expect((await post(h.serviceToken, mention)).status).toBe(201)
    expect(
      (await post(h.serviceToken, { ...mention, body: { contentType: 'html', content: 'Hi Bob' } }))
        .status,
    ).toBe(400)
    expect(
      (
        await post(h.serviceToken, {
          ...mention,
          body: { contentType: 'text', content: 'Hi <at id="0">Bob</at>' },
        })
      ).status,
    ).toBe(400)
    const attachment = {
      id: '153fa47d-18c9-4179-be08-9879815a9f90',
      contentType: 'reference',
      contentUrl: 'https://contoso.sharepoint.com/a.docx',
      name: 'a.docx',
    }
    expect(
      (
        await post(h.serviceToken, {
          body: { contentType: 'html', content: 'file' },
          attachments: [attachment],
        })
      ).status,
    ).toBe(400)
    expect(
      (await post(h.serviceToken, { body: { content: 'x' }, from: { user: { id: ALICE.id } } }))
        .status,
    ).toBe(403)
    expect((await post(h.serviceToken, { text: 'no body' })).status).toBe(400)
  })

  test('inline images become hosted contents served as bytes', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex')
    const res = await post(h.serviceToken, {
      body: { contentType: 'html', content: '<img src="../hostedContents/1/$value">' },
      hostedContents: [
        {
          '@microsoft.graph.temporaryId': '1',
          contentBytes: png.toString('base64'),
          contentType: 'image/png',
        },
      ],
    })
    const created = (await res.json()) as ChatMessage
    const src = /src="([^"]+)"/.exec(created.body.content)![1]!
    expect(src).toMatch(
      new RegExp(`^${h.graph.url}/chats/.+/messages/${created.id}/hostedContents/.+/\\$value$`),
    )
    const image = await h.call('GET', src)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await image.arrayBuffer())).toEqual(png)
  })

  test('replyWithQuote adds a messageReference attachment', async () => {
    const original = h.graph.control.userSends({
      chatId: h.chatId,
      userId: ALICE.id,
      text: 'Where is my order?',
    })
    const res = await h.call('POST', `/chats/${h.chatId}/messages/replyWithQuote`, {
      token: h.serviceToken,
      body: { messageIds: [original.id], replyMessage: { body: { content: 'On its way' } } },
    })
    expect(res.status).toBe(201)
    const reply = (await res.json()) as ChatMessage
    expect(reply.body.content).toBe(`<attachment id="${original.id}"></attachment>On its way`)
    expect(reply.attachments[0]).toMatchObject({
      id: original.id,
      contentType: 'messageReference',
      contentUrl: null,
    })
  })
})

describe('what a Teams user sends (control API)', () => {
  test('a quoted reply, a mention, a file and a pasted image, as Teams represents them', async () => {
    const first = h.graph.control.userSends({
      chatId: h.chatId,
      userId: BOB.id,
      text: 'Invoice attached?',
    })
    const message = h.graph.control.userSends({
      chatId: h.chatId,
      userId: ALICE.id,
      html: '<p>Here it is</p>',
      replyToMessageId: first.id,
      mentions: [{ userId: SERVICE.id }],
      attachments: [
        { name: 'invoice.pdf', bytes: Buffer.from('%PDF-1.7'), contentType: 'application/pdf' },
      ],
      hostedImages: [{ bytes: Buffer.from('img'), contentType: 'image/jpeg' }],
    })
    expect(message.body.contentType).toBe('html')
    expect(message.body.content.startsWith(`<attachment id="${first.id}"></attachment>`)).toBe(true)
    expect(message.body.content).toContain('<at id="0">Service Desk</at>')
    const [quote, file] = message.attachments
    expect(JSON.parse(quote!.content!)).toEqual({
      messageId: first.id,
      messagePreview: 'Invoice attached?',
      messageSender: {
        application: null,
        device: null,
        user: {
          userIdentityType: 'aadUser',
          tenantId: TENANT,
          id: BOB.id,
          displayName: 'Bob Vance',
        },
      },
    })
    expect(file).toMatchObject({ contentType: 'reference', name: 'invoice.pdf' })
    expect(file!.contentUrl).toMatch(
      /^https:\/\/contoso-my\.sharepoint\.com\/personal\/alice_contoso_com\/Documents\/Microsoft%20Teams%20Chat%20Files\/invoice\.pdf$/,
    )
    expect(message.body.content).toContain(`<attachment id="${file!.id}"></attachment>`)
    expect(message.mentions).toEqual([
      {
        id: 0,
        mentionText: 'Service Desk',
        mentioned: {
          user: { displayName: 'Service Desk', id: SERVICE.id, userIdentityType: 'aadUser' },
        },
      },
    ])

    // The file is reachable through the shares API by its sharing URL, then a pre-authenticated download.
    const shareId = `u!${Buffer.from(file!.contentUrl!).toString('base64url')}`
    const item = await h.call('GET', `/shares/${shareId}/driveItem`)
    expect(await item.json()).toMatchObject({
      name: 'invoice.pdf',
      size: 8,
      file: { mimeType: 'application/pdf' },
    })
    const redirect = await h.call('GET', `/shares/${shareId}/driveItem/content`)
    expect(redirect.status).toBe(302)
    const download = await fetch(redirect.headers.get('location')!)
    expect(await download.text()).toBe('%PDF-1.7')
  })

  test('bot messages show from.application', async () => {
    const message = h.graph.control.applicationSends({
      chatId: h.chatId,
      appId: APP,
      displayName: 'Desk Bot',
      text: 'hi',
    })
    expect(message.from).toEqual({
      application: {
        '@odata.type': '#microsoft.graph.teamworkApplicationIdentity',
        id: APP,
        displayName: 'Desk Bot',
        applicationIdentityType: 'bot',
      },
      device: null,
      user: null,
    })
  })
})

describe('listing chat messages', () => {
  async function sendMany(n: number): Promise<ChatMessage[]> {
    const sent: ChatMessage[] = []
    for (let i = 0; i < n; i += 1) {
      sent.push(h.graph.control.userSends({ chatId: h.chatId, userId: ALICE.id, text: `m${i}` }))
      h.clock.advance(1000)
    }
    return sent
  }

  test('pages newest first with @odata.nextLink until the end', async () => {
    const sent = await sendMany(5)
    const seen: string[] = []
    let next: string | undefined = `/chats/${h.chatId}/messages?$top=2`
    let pages = 0
    while (next) {
      const page = (await (await h.call('GET', next)).json()) as Page
      expect(page.value.length).toBeLessThanOrEqual(2)
      seen.push(...page.value.map((m) => m.id))
      next = page['@odata.nextLink']
      pages += 1
    }
    expect(pages).toBe(3)
    expect(seen).toEqual(sent.map((m) => m.id).reverse())
  })

  test('$filter on lastModifiedDateTime works with the matching $orderby, and is ignored without it', async () => {
    const sent = await sendMany(4)
    const since = sent[1]!.lastModifiedDateTime
    const filtered = (await (
      await h.call(
        'GET',
        `/chats/${h.chatId}/messages?$orderby=lastModifiedDateTime desc&$filter=lastModifiedDateTime gt ${since}`,
      )
    ).json()) as Page
    expect(filtered.value.map((m) => m.id)).toEqual([sent[3]!.id, sent[2]!.id])
    const ignored = (await (
      await h.call('GET', `/chats/${h.chatId}/messages?$filter=lastModifiedDateTime gt ${since}`)
    ).json()) as Page
    expect(ignored.value).toHaveLength(4)
    const edited = h.graph.control.userEdits({
      chatId: h.chatId,
      messageId: sent[0]!.id,
      text: 'edited',
    })
    const after = (await (
      await h.call(
        'GET',
        `/chats/${h.chatId}/messages?$orderby=lastModifiedDateTime desc&$filter=lastModifiedDateTime gt ${sent[3]!.lastModifiedDateTime}`,
      )
    ).json()) as Page
    expect(after.value.map((m) => m.id)).toEqual([edited.id])
  })

  test('unsupported query options are rejected', async () => {
    expect((await h.call('GET', `/chats/${h.chatId}/messages?$top=51`)).status).toBe(400)
    expect(
      (await h.call('GET', `/chats/${h.chatId}/messages?$orderby=createdDateTime asc`)).status,
    ).toBe(400)
    expect((await h.call('GET', `/chats/${h.chatId}/messages?$skip=2`)).status).toBe(400)
    const filter = await h.call(
      'GET',
      `/chats/${h.chatId}/messages?$orderby=createdDateTime desc&$filter=createdDateTime gt 2020-01-01T00:00:00Z`,
    )
    expect(filter.status).toBe(400)
  })
})

describe('channels', () => {
  test('channel messages and replies; app tokens read, delegated members post', async () => {
    const team = h.graph.control.addTeam({
      displayName: 'Support',
      memberIds: [ALICE.id, SERVICE.id],
    })
    const channel = team.channels[0]!
    const root = h.graph.control.userSendsToChannel({
      teamId: team.id,
      channelId: channel.id,
      userId: ALICE.id,
      text: 'Printer down',
    })
    expect(root.channelIdentity).toEqual({ teamId: team.id, channelId: channel.id })
    const base = `/teams/${team.id}/channels/${channel.id}/messages`
    expect(
      (await h.call('POST', `${base}/${root.id}/replies`, { body: { body: { content: 'x' } } }))
        .status,
    ).toBe(403)
    const reply = await h.call('POST', `${base}/${root.id}/replies`, {
      token: h.serviceToken,
      body: { body: { content: 'Looking' } },
    })
    expect(reply.status).toBe(201)
    expect(await reply.json()).toMatchObject({ replyToId: root.id, chatId: null })
    const list = (await (await h.call('GET', `${base}?$expand=replies`)).json()) as {
      value: Array<ChatMessage & { replies: ChatMessage[] }>
    }
    expect(list.value).toHaveLength(1)
    expect(list.value[0]!.replies.map((r) => r.body.content)).toEqual(['Looking'])
  })
})
