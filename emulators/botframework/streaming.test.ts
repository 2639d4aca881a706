import { fetch } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { botToken, type Harness, startHarness, TENANT, USER } from './test-support.ts'

let h: Harness
let token: string
let personal: string

interface StreamReply {
  id?: string
  error?: { code: string; message: string }
}

beforeAll(async () => {
  h = await startHarness()
  token = await botToken(h.identity)
  const first = await h.teams.control.userSends({ user: USER, text: 'tell me a story' })
  personal = String((first.activity['conversation'] as { id: string }).id)
})
afterAll(() => h.close())

async function post(conversationId: string, body: unknown) {
  const res = await fetch(
    `${h.teams.serviceUrl}v3/conversations/${encodeURIComponent(conversationId)}/activities`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  )
  return { status: res.status, body: (await res.json()) as StreamReply }
}

const chunk = (text: string, streamSequence: number, streamId?: string) => ({
  type: 'typing',
  text,
  entities: [
    {
      type: 'streaminfo',
      streamType: 'streaming',
      streamSequence,
      ...(streamId ? { streamId } : {}),
    },
  ],
})
const final = (text: string, streamId: string) => ({
  type: 'message',
  text,
  entities: [{ type: 'streaminfo', streamType: 'final', streamId }],
})

describe('Teams streaming', () => {
  it('streams chunks, drops out-of-order ones and completes with a final message', async () => {
    const start = await post(personal, chunk('Once', 1))
    expect(start.status).toBe(201)
    const streamId = start.body.id!
    expect((await post(personal, chunk('Once upon', 2, streamId))).status).toBe(202)
    const stale = await post(personal, chunk('Once', 2, streamId))
    expect([stale.status, stale.body.error?.code]).toEqual([
      202,
      'ContentStreamSequenceOrderPreConditionFailed',
    ])
    expect((await post(personal, final('Once upon a time.', streamId))).status).toBe(202)
    const after = await post(personal, chunk('more', 3, streamId))
    expect([after.status, after.body.error?.code]).toEqual([403, 'ContentStreamNotAllowed'])
    const log = h.teams.control.sent(personal)
    expect(log.map((s) => [s.operation, s.activityId, s.activity['text']])).toEqual([
      ['send', streamId, 'Once'],
      ['stream', streamId, 'Once upon'],
      ['stream', streamId, 'Once upon a time.'],
    ])
  })

  it('needs text and sequence 1 to start, and ends after two minutes', async () => {
    h.clock.advance(2_000) // past the 7-per-second conversation limit of the previous test
    const noText = await post(personal, chunk('', 1))
    expect([noText.status, noText.body.error?.message]).toEqual([
      400,
      'Start streaming activities should include text.',
    ])
    expect((await post(personal, chunk('x', 2))).status).toBe(400)
    const start = await post(personal, chunk('Hi', 1))
    h.clock.advance(2 * 60_000 + 1)
    const late = await post(personal, chunk('Hi there', 2, start.body.id))
    expect(late.body.error?.message).toBe('Content stream finished due to exceeded streaming time.')
  })

  it('is refused outside one-on-one chats', async () => {
    h.clock.advance(2_000)
    const channel = {
      id: '19:stream@thread.tacv2',
      name: 'General',
      teamId: '19:t@thread.tacv2',
      tenantId: TENANT,
    }
    h.teams.control.addChannel(channel)
    const post1 = await h.teams.control.userSends({
      user: USER,
      text: '<at>Contoso Care</at> hi',
      conversationType: 'channel',
      channelId: channel.id,
    })
    const thread = String((post1.activity['conversation'] as { id: string }).id)
    expect(thread).toBe(`${channel.id};messageid=${post1.activity['id']}`)
    token = await botToken(h.identity)
    const res = await post(thread, chunk('Hi', 1))
    expect([res.status, res.body.error?.code]).toEqual([403, 'ContentStreamNotAllowed'])
  })
})
