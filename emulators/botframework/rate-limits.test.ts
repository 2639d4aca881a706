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

/**
 * Teams bot throttling (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit):
 * per bot per conversation, per conversation for all bots, per app per tenant; 429 with
 * `Retry-After` seconds.
 */
let h: Harness
const THIRD_APP = { appId: 'b0700003-0000-0000-0000-000000000003', secret: 'third~secret' }
const tokens = new Map<string, string>()

beforeAll(async () => {
  h = await startHarness()
  h.clock.freeze() // per-second windows must not depend on how fast this machine is
  h.identity.control.addApp({ ...THIRD_APP, tenantId: TENANT })
  for (const app of [OTHER_APP, THIRD_APP])
    h.teams.control.addBot({ appId: app.appId, endpoint: h.endpoint.url, name: app.appId })
})
afterAll(() => h.close())
// A fresh hour for every test: its windows start empty (tokens last an hour too).
beforeEach(async () => {
  h.clock.advance(3_600_000)
  for (const app of [BOT, OTHER_APP, THIRD_APP])
    tokens.set(app.appId, await botToken(h.identity, app))
})

async function send(conversationId: string, app = BOT) {
  const res = await fetch(
    `${h.teams.serviceUrl}v3/conversations/${encodeURIComponent(conversationId)}/activities`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.get(app.appId)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ type: 'message', text: 'hi' }),
    },
  )
  const body = (await res.json()) as { error?: { code: string } }
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code }
}

async function personalWith(n: number): Promise<string> {
  const user = {
    ...USER,
    id: `29:1user-${n}`,
    aadObjectId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
  }
  const sent = await h.teams.control.userSends({ user, text: 'hello', botAppId: BOT.appId })
  return (sent.activity['conversation'] as { id: string }).id
}

describe('Teams bot rate limits', () => {
  it('holds one bot to 60 sends per 30 s in a conversation, with Retry-After', async () => {
    const conversation = await personalWith(1)
    // 4 a second stays within 7/1 s and 8/2 s; the 61st within 30 s is one too many.
    for (let second = 0; second < 15; second += 1) {
      for (let i = 0; i < 4; i += 1) expect((await send(conversation)).status).toBe(201)
      h.clock.advance(1_000)
    }
    const refused = await send(conversation)
    expect(refused).toEqual({ status: 429, retryAfter: '15', code: 'TooManyRequests' })
    h.clock.advance(15_000)
    expect((await send(conversation)).status).toBe(201)
  })

  it('holds all bots together to 14 sends per second in one conversation', async () => {
    const [install] = await h.teams.control.installBot({
      user: USER,
      scope: 'groupChat',
      botAppId: BOT.appId,
    })
    const group = (install!.activity['conversation'] as { id: string }).id
    for (const app of [OTHER_APP, THIRD_APP])
      await h.teams.control.installBot({
        user: USER,
        scope: 'groupChat',
        conversationId: group,
        botAppId: app.appId,
      })
    for (const app of [BOT, OTHER_APP])
      for (let i = 0; i < 7; i += 1) expect((await send(group, app)).status).toBe(201)
    // The third bot has sent nothing, yet the conversation is full for this second.
    expect(await send(group, THIRD_APP)).toEqual({
      status: 429,
      retryAfter: '1',
      code: 'TooManyRequests',
    })
    h.clock.advance(2_000)
    expect((await send(group, THIRD_APP)).status).toBe(201)
  })

  it('holds an app to 50 requests per second in a tenant, across conversations', async () => {
    const conversations: string[] = []
    for (let n = 10; n < 18; n += 1) conversations.push(await personalWith(n))
    h.clock.advance(2_000)
    const statuses: number[] = []
    for (const conversation of conversations)
      for (let i = 0; i < 7; i += 1) statuses.push((await send(conversation)).status)
    expect(statuses.filter((s) => s === 201)).toHaveLength(50)
    expect(statuses.slice(50).every((s) => s === 429)).toBe(true)
  })
})
