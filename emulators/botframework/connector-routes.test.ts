import { fetch } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import {
  BOT,
  botToken,
  type Harness,
  OTHER_APP,
  startHarness,
  TENANT,
  USER,
} from './test-support.ts'

let h: Harness
let token: string
let conversationId: string
const mirrored: Array<[string, unknown]> = []

beforeAll(async () => {
  h = await startHarness(undefined, (id, activity) => mirrored.push([id, activity]))
  token = await botToken(h.identity)
  const first = await h.teams.control.userSends({ user: USER, text: 'hi bot' })
  conversationId = String((first.activity['conversation'] as { id: string }).id)
})
afterAll(() => h.close())
beforeEach(() => h.teams.control.clearFaults())

async function call(method: string, path: string, body?: unknown, bearer: string | null = token) {
  const res = await fetch(`${h.teams.serviceUrl}${path.replace(/^\//, '')}`, {
    method,
    headers: {
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined }
}

const activitiesPath = () => `/v3/conversations/${encodeURIComponent(conversationId)}/activities`
const message = (text: string) => ({ type: 'message', text })

describe('v3 connector authentication', () => {
  it('rejects calls without a token, with a Graph token, a foreign app token or garbage', async () => {
    const graphToken = await botToken(h.identity, BOT, 'https://graph.microsoft.com/.default')
    const foreign = await botToken(h.identity, OTHER_APP)
    for (const bearer of [null, graphToken, foreign, 'not-a-jwt']) {
      const res = await call('POST', activitiesPath(), message('x'), bearer)
      expect(res.status).toBe(401)
      expect(res.body).toEqual({ message: 'Authorization has been denied for this request.' })
    }
    expect(h.teams.control.sent(conversationId)).toEqual([])
  })

  it('rejects an expired token', async () => {
    const stale = await botToken(h.identity)
    h.clock.advance(3599_000 + 301_000)
    expect((await call('POST', activitiesPath(), message('x'), stale)).status).toBe(401)
    token = await botToken(h.identity)
  })
})

describe('v3 activities', () => {
  it('sends, replies, updates and deletes, recording each in order', async () => {
    const sent = await call('POST', activitiesPath(), {
      ...message('Hello'),
      textFormat: 'markdown',
    })
    expect(sent.status).toBe(201)
    expect(sent.body.id).toMatch(/^\d+$/)
    expect(sent.headers.get('x-correlating-operationid')).toBeTruthy()
    const reply = await call('POST', `${activitiesPath()}/${sent.body.id}`, message('Reply'))
    expect(reply.status).toBe(201)
    const update = await call('PUT', `${activitiesPath()}/${sent.body.id}`, message('Hello!'))
    expect([update.status, update.body]).toEqual([200, { id: sent.body.id }])
    expect((await call('DELETE', `${activitiesPath()}/${reply.body.id}`)).status).toBe(200)
    expect((await call('DELETE', `${activitiesPath()}/${reply.body.id}`)).status).toBe(404)
    const log = h.teams.control.sent(conversationId)
    const seen = log.map((s) => [s.operation, s.activity['text'] ?? null, s.botAppId])
    expect(seen).toEqual([
      ['send', 'Hello', BOT.appId],
      ['reply', 'Reply', BOT.appId],
      ['update', 'Hello!', BOT.appId],
      ['delete', null, BOT.appId],
    ])
    expect(log[1]!.activity).toMatchObject({
      replyToId: sent.body.id,
      from: { id: `28:${BOT.appId}` },
      conversation: { id: conversationId },
    })
    expect(mirrored.slice(-4).map(([id]) => id)).toEqual(Array(4).fill(conversationId))
    expect(mirrored.at(-4)![1]).toEqual(log[0]!.activity)
  })

  it('refuses to update a user message or an unknown activity', async () => {
    const userMessage = h.teams.control.sent().length
    const userActivity = await h.teams.control.userSends({ user: USER, text: 'mine' })
    const res = await call(
      'PUT',
      `${activitiesPath()}/${userActivity.activity['id']}`,
      message('x'),
    )
    expect([res.status, res.body.error.code]).toEqual([403, 'Forbidden'])
    expect((await call('PUT', `${activitiesPath()}/123`, message('x'))).status).toBe(404)
    expect(h.teams.control.sent().length).toBe(userMessage)
  })

  it.each([
    ['invalid JSON', '{not json', 400, 'BadArgument'],
    ['no type', { text: 'x' }, 400, 'BadArgument'],
    ['unknown type', { type: 'poke', text: 'x' }, 400, 'BadArgument'],
    ['empty message', { type: 'message', text: '  ' }, 400, 'BadArgument'],
    [
      'attachment without contentType',
      { type: 'message', attachments: [{ content: {} }] },
      400,
      'BadArgument',
    ],
    ['over 100 KB (UTF-16)', message('x'.repeat(52 * 1024)), 413, 'MessageSizeTooBig'],
  ])('answers %s with %i %s', async (_name, body, status, code) => {
    const res = await call('POST', activitiesPath(), body)
    expect([res.status, res.body.error.code]).toEqual([status, code])
  })

  it('answers 404 for an unknown conversation and 403 for a conversation of another bot', async () => {
    const unknown = await call('POST', '/v3/conversations/a%3Anope/activities', message('x'))
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ConversationNotFound'])
    h.teams.control.addBot({ appId: OTHER_APP.appId, endpoint: h.endpoint.url })
    const other = await botToken(h.identity, OTHER_APP)
    const res = await call('POST', activitiesPath(), message('x'), other)
    expect([res.status, res.body.error.code]).toEqual([403, 'BotNotInConversationRoster'])
  })
})

describe('v3 conversations and members', () => {
  it('creates (or finds) the 1:1 conversation with a known user and tenant', async () => {
    const body = {
      bot: { id: `28:${BOT.appId}` },
      members: [{ id: USER.id }],
      channelData: { tenant: { id: TENANT } },
    }
    const res = await call('POST', '/v3/conversations', body)
    expect([res.status, res.body]).toEqual([201, { id: conversationId }])
    const noTenant = await call('POST', '/v3/conversations', { ...body, channelData: {} })
    expect(noTenant.status).toBe(400)
    const stranger = await call('POST', '/v3/conversations', { ...body, members: [{ id: '29:x' }] })
    expect(stranger.status).toBe(404)
  })

  it('starts a channel thread with its first message', async () => {
    const channel = {
      id: '19:general@thread.tacv2',
      name: 'General',
      teamId: '19:team@thread.tacv2',
      tenantId: TENANT,
    }
    h.teams.control.addChannel(channel)
    const res = await call('POST', '/v3/conversations', {
      isGroup: true,
      activity: message('New case'),
      channelData: { channel: { id: channel.id }, tenant: { id: TENANT } },
    })
    expect(res.status).toBe(201)
    expect(res.body.id).toBe(`${channel.id};messageid=${res.body.activityId}`)
    const reply = await call(
      'POST',
      `/v3/conversations/${encodeURIComponent(res.body.id)}/activities`,
      message('in thread'),
    )
    expect(reply.status).toBe(201)
  })

  it('lists members as TeamsChannelAccount', async () => {
    const res = await call('GET', `/v3/conversations/${encodeURIComponent(conversationId)}/members`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual([
      expect.objectContaining({
        id: USER.id,
        aadObjectId: USER.aadObjectId,
        name: USER.name,
        tenantId: TENANT,
        userPrincipalName: USER.userPrincipalName,
      }),
    ])
    const one = await call(
      'GET',
      `/v3/conversations/${encodeURIComponent(conversationId)}/members/${USER.aadObjectId}`,
    )
    expect(one.body.id).toBe(USER.id)
    const paged = await call(
      'GET',
      `/v3/conversations/${encodeURIComponent(conversationId)}/pagedmembers?pageSize=1`,
    )
    expect(paged.body.members).toHaveLength(1)
    expect(paged.body.continuationToken).toBeUndefined()
  })
})

describe('uninstall', () => {
  it('tells the bot and refuses its later sends with 403', async () => {
    h.clock.advance(3_600_000)
    token = await botToken(h.identity)
    const other = { ...USER, id: '29:1user-lee', aadObjectId: 'lee-oid', name: 'Lee Gu' }
    const first = await h.teams.control.userSends({
      user: other,
      text: 'bye soon',
      botAppId: BOT.appId,
    })
    const conversation = String((first.activity['conversation'] as { id: string }).id)
    const [removed] = await h.teams.control.uninstallBot({ user: other, botAppId: BOT.appId })
    expect(removed!.activity).toMatchObject({ type: 'installationUpdate', action: 'remove' })
    const path = `/v3/conversations/${encodeURIComponent(conversation)}/activities`
    const res = await call('POST', path, message('still there?'))
    expect([res.status, res.body.error.code]).toEqual([403, 'BotNotInConversationRoster'])
  })
})

describe('throttling and faults', () => {
  it('answers 429 with Retry-After past 7 sends per second per conversation', async () => {
    h.clock.advance(3_600_000)
    token = await botToken(h.identity)
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 8; i += 1) {
      const res = await call('POST', activitiesPath(), message(`burst ${i}`))
      statuses.push(res.status)
      if (res.status === 429) {
        retryAfter = res.headers.get('retry-after')
        expect(res.body.error.code).toBe('TooManyRequests')
      }
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 201, 201, 429])
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
    h.clock.advance(2_000)
    expect((await call('POST', activitiesPath(), message('after wait'))).status).toBe(201)
  })

  it('applies injected 5xx and 429 faults per route', async () => {
    h.teams.control.faults.add({ route: 'botframework.sendActivity', status: 503 })
    expect((await call('POST', activitiesPath(), message('x'))).status).toBe(503)
    h.teams.control.faults.add({
      route: 'botframework.getMembers',
      status: 429,
      retryAfterSeconds: 3,
    })
    const res = await call('GET', `/v3/conversations/${encodeURIComponent(conversationId)}/members`)
    expect([res.status, res.headers.get('retry-after')]).toEqual([429, '3'])
  })
})
