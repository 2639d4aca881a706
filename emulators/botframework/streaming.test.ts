import { fetch } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

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
  h.clock.freeze() // per-second limits must not depend on how fast this machine is
  token = await botToken(h.identity)
  const first = await h.teams.control.userSends({ user: USER, text: 'tell me a story' })
  personal = String((first.activity['conversation'] as { id: string }).id)
})
afterAll(() => h.close())
// Past the per-conversation send limits and the stream's one-per-second pace of the last test.
beforeEach(() => h.clock.advance(2_000))

async function post(conversationId: string, body: unknown) {
  const res = await fetch(
    `${h.teams.serviceUrl}v3/conversations/${encodeURIComponent(conversationId)}/activities`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    },
  )
  const text = await res.text()
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (text ? JSON.parse(text) : {}) as StreamReply,
  }
}

const chunk = (
  text: string,
  streamSequence: number,
  streamId?: string,
  streamType = 'streaming',
) => ({
  type: 'typing',
  text,
  entities: [{ type: 'streaminfo', streamType, streamSequence, ...(streamId ? { streamId } : {}) }],
})
const final = (text: string, streamId: string) => ({
  type: 'message',
  text,
  entities: [{ type: 'streaminfo', streamType: 'final', streamId }],
})
const refusal = (r: { status: number; body: StreamReply }) => [r.status, r.body.error?.message]

/** Starts a stream with an informative update and returns its id. */
async function start(text = 'Thinking…'): Promise<string> {
  const res = await post(personal, chunk(text, 1, undefined, 'informative'))
  expect(res.status).toBe(201)
  return res.body.id!
}

describe('Teams streaming', () => {
  it('starts informative, streams in order, drops an out-of-order update and ends with the final', async () => {
    const streamId = await start()
    h.clock.advance(1_000)
    expect((await post(personal, chunk('Once', 2, streamId))).status).toBe(202)
    h.clock.advance(1_000)
    expect((await post(personal, chunk('Once upon', 3, streamId))).status).toBe(202)
    h.clock.advance(1_000)
    const stale = await post(personal, chunk('Once upon a', 3, streamId))
    expect([stale.status, stale.body.error]).toEqual([
      202,
      {
        code: 'ContentStreamSequenceOrderPreConditionFailed',
        message: 'PreCondition failed exception when processing streaming activity.',
      },
    ])
    expect((await post(personal, final('Once upon a time.', streamId))).status).toBe(202)
    h.clock.advance(1_000)
    const after = await post(personal, chunk('Once upon a time. The end', 4, streamId))
    expect([after.status, after.body.error?.code]).toEqual([403, 'ContentStreamNotAllowed'])
    expect(after.body.error?.message).toBe(
      'Content stream is not allowed on an already completed streamed message',
    )
    const log = h.teams.control.sent(personal).filter((s) => s.activityId === streamId)
    expect(log.map((s) => [s.operation, s.activity['type'], s.activity['text']])).toEqual([
      ['send', 'typing', 'Thinking…'],
      ['stream', 'typing', 'Once'],
      ['stream', 'typing', 'Once upon'],
      ['stream', 'message', 'Once upon a time.'],
    ])
    expect(h.teams.control.streams(personal).at(-1)).toMatchObject({
      streamId,
      status: 'final',
      lastSequence: 3,
      streamedText: 'Once upon',
      updates: 3,
    })
    expect(h.teams.control.refusals(personal).map((r) => [r.status, r.code])).toContainEqual([
      202,
      'ContentStreamSequenceOrderPreConditionFailed',
    ])
  })

  it('answers 429 with Retry-After to updates less than a second apart', async () => {
    const streamId = await start()
    const fast = await post(personal, chunk('Hi', 2, streamId))
    expect([fast.status, fast.retryAfter, fast.body.error?.message]).toEqual([
      429,
      '1',
      'API calls quota exceeded.',
    ])
    h.clock.advance(1_000)
    expect((await post(personal, chunk('Hi', 2, streamId))).status).toBe(202)
    const tooFastFinal = await post(personal, final('Hi there', streamId))
    expect(tooFastFinal.status).toBe(429)
    h.clock.advance(1_000)
    expect((await post(personal, final('Hi there', streamId))).status).toBe(202)
    expect(h.teams.control.refusals(personal).at(-1)).toMatchObject({
      status: 429,
      retryAfter: '1',
      conversationId: personal,
    })
  })

  it('ends a stream that runs over two minutes', async () => {
    const streamId = await start()
    h.clock.advance(2 * 60_000 + 1)
    const late = await post(personal, chunk('Hi there', 2, streamId))
    expect(refusal(late)).toEqual([403, 'Content stream finished due to exceeded streaming time.'])
    expect(refusal(await post(personal, final('Hi there', streamId)))).toEqual([
      403,
      'Content stream finished due to exceeded streaming time.',
    ])
    expect(h.teams.control.streams(personal).at(-1)?.status).toBe('timedOut')
  })

  it('refuses streamed text that does not continue what was streamed', async () => {
    const streamId = await start()
    h.clock.advance(1_000)
    expect((await post(personal, chunk('A brown', 2, streamId))).status).toBe(202)
    h.clock.advance(1_000)
    const expected = [
      403,
      'Request streamed content should contain the previously streamed content',
    ]
    expect(refusal(await post(personal, chunk('Hello', 3, streamId)))).toEqual(expected)
    expect(refusal(await post(personal, final('Hello', streamId)))).toEqual(expected)
    expect((await post(personal, final('A brown fox.', streamId))).status).toBe(202)
  })

  it('refuses every stream activity after the user pressed Stop', async () => {
    const streamId = await start()
    expect(h.teams.control.userStopsStream({ conversationId: personal })?.streamId).toBe(streamId)
    h.clock.advance(1_000)
    const expected = [403, 'Content stream was canceled by user.']
    expect(refusal(await post(personal, chunk('Partial', 2, streamId)))).toEqual(expected)
    expect(refusal(await post(personal, final('Partial', streamId)))).toEqual(expected)
  })

  it('checks the payload of stream activities', async () => {
    expect(refusal(await post(personal, chunk('', 1)))).toEqual([
      400,
      'Start streaming activities should include text.',
    ])
    expect((await post(personal, chunk('x', 2))).status).toBe(400)
    const informative = await post(personal, chunk('x'.repeat(1001), 1, undefined, 'informative'))
    expect(refusal(informative)).toEqual([
      400,
      'Informative messages must not be more than 1000 characters.',
    ])
    const wrongType = await post(personal, chunk('x', 1, undefined, 'Informative'))
    expect([wrongType.status, wrongType.body.error?.message]).toEqual([
      400,
      'Only start streaming and continue streaming types are allowed as a typing activity.',
    ])
    const withAttachment = {
      ...chunk('x', 1),
      attachments: [{ contentType: 'image/png', contentUrl: 'https://example.com/a.png' }],
    }
    expect((await post(personal, withAttachment)).status).toBe(400)
    const streamId = await start()
    h.clock.advance(1_000)
    const sequenced = { ...final('done', streamId) }
    sequenced.entities = [{ ...sequenced.entities[0]!, streamSequence: 2 } as never]
    expect(refusal(await post(personal, sequenced))).toEqual([
      400,
      'The final message must not set streamSequence.',
    ])
  })

  it('refuses a stream over the message size as a stream', async () => {
    h.teams.control.setMessageSizeLimit(2_000)
    try {
      const res = await post(personal, chunk('x'.repeat(2_000), 1))
      expect([res.status, res.body.error?.code, res.body.error?.message]).toEqual([
        403,
        'ContentStreamNotAllowed',
        'Message size too large',
      ])
    } finally {
      h.teams.control.setMessageSizeLimit(100 * 1024)
    }
  })

  it('is refused in group chats and channels', async () => {
    const channel = {
      id: '19:stream@thread.tacv2',
      name: 'General',
      teamId: '19:t@thread.tacv2',
      tenantId: TENANT,
    }
    h.teams.control.addChannel(channel)
    const post1 = await h.teams.control.userSends({
      user: USER,
      text: 'hi',
      mentionBot: true,
      conversationType: 'channel',
      channelId: channel.id,
    })
    const thread = String((post1.activity['conversation'] as { id: string }).id)
    expect(thread).toBe(`${channel.id};messageid=${post1.activity['id']}`)
    const group = await h.teams.control.userSends({
      user: USER,
      text: 'hi',
      mentionBot: true,
      conversationType: 'groupChat',
    })
    const groupId = String((group.activity['conversation'] as { id: string }).id)
    for (const conversation of [thread, groupId]) {
      const res = await post(conversation, chunk('Hi', 1))
      expect([res.status, res.body.error]).toEqual([
        403,
        { code: 'ContentStreamNotAllowed', message: 'Content stream is not allowed' },
      ])
    }
  })
})
