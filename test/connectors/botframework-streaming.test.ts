import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { BotFrameworkEmulator, SentActivity } from '../../emulators/botframework/index.ts'
import { EmulatorClock } from '../../emulators/kit/clock.ts'
import { botConnectionOf } from '../../src/connectors/microsoft/botframework/index.ts'
import {
  createStreamingReplySender,
  DEFAULT_REPLY_OPTIONS,
  type StreamingReplyOptions,
} from '../../src/connectors/microsoft/botframework/streaming/index.ts'
import { microsoftTeamsSettings } from '../../src/connectors/microsoft/settings.ts'
import type { ConnectorDeps } from '../../src/connectors/shared/deps.ts'
import type { RemoteAddress } from '../../src/core/model/remote-address.ts'
import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { type BotEmulators, startBotEmulators, USER } from './botframework-emulators.ts'
import { silentLog } from './botframework-support.ts'
import type { WebhookEndpoint } from './webhook-endpoint.ts'

/**
 * The streaming reply sender against the Bot Framework emulator over real HTTP. The emulator's
 * clock is frozen and moves with the bridge's manual clock (`tick`), so the emulator's
 * one-request-a-second and two-minute rules judge exactly the pace the sender kept.
 */
let emulatorClock: EmulatorClock
let clock: ManualClock
let world: BotEmulators
let bf: BotFrameworkEmulator
let endpoint: WebhookEndpoint
let deps: ConnectorDeps
let keys = 0
let inFlight = 0

const sender = (overrides: Partial<StreamingReplyOptions> = {}) =>
  createStreamingReplySender(
    botConnectionOf(microsoftTeamsSettings.parse(world.settings)),
    deps,
    overrides,
  )

beforeAll(async () => {
  emulatorClock = new EmulatorClock()
  emulatorClock.freeze()
  clock = new ManualClock(emulatorClock.nowMs())
  world = await startBotEmulators({ clock, emulatorClock })
  bf = world.bf
  endpoint = world.endpoint
  // Time stands still while the bridge waits for an answer, as on a fast network.
  const http = world.deps.http
  const counted = {
    async request(req: Parameters<typeof http.request>[0]) {
      inFlight += 1
      try {
        return await http.request(req)
      } finally {
        inFlight -= 1
      }
    },
  }
  deps = { ...world.deps, http: counted }
})
afterAll(() => world.close())
beforeEach(() => {
  bf.control.clearFaults()
  tick(10_000) // past every per-second window of the previous test
})

/** Moves both clocks. */
function tick(ms: number): void {
  clock.advance(ms)
  emulatorClock.advance(ms)
}

/** Moves time in small steps, whenever no request is in flight, until `promise` settles. */
async function drive<T>(promise: Promise<T>, stepMs = 100): Promise<T> {
  let settled = false
  promise.then(
    () => (settled = true),
    () => (settled = true),
  )
  for (let steps = 0, waited = 0; !settled && steps < 5_000;) {
    await new Promise((resolve) => setTimeout(resolve, 2))
    // An answer that takes long (a sleep inside a request) must not stop time for good.
    if (settled || (inFlight > 0 && (waited += 1) < 500)) continue
    waited = 0
    steps += 1
    tick(stepMs)
  }
  return promise
}

/** A reply of `deltas` to `address` under a new idempotency key, driven until it settles. */
const streamReply = (address: RemoteAddress, deltas: AsyncIterable<string>) =>
  drive(sender().reply({ to: address, deltas, idempotencyKey: key(), log: silentLog }))

/** The user writes; the bridge webhook verifies the activity and gives the reply address. */
async function userWrites(input: Parameters<BotFrameworkEmulator['control']['userSends']>[0]) {
  endpoint.envelopes.length = 0
  const result = await bf.control.userSends(input)
  expect(result.status).toBe(202)
  return endpoint.envelopes.at(-1)!.address
}

/** Model-like deltas: one every `everyMs` of (manual) time; `onYield` sees each index. */
async function* words(
  list: string[],
  everyMs: number,
  onYield: (index: number) => void = () => {},
): AsyncGenerator<string> {
  for (const [index, word] of list.entries()) {
    await clock.sleep(everyMs)
    onYield(index)
    yield index === 0 ? word : ` ${word}`
  }
}

const STORY = 'Once upon a time a small bot learned to stream its answers one word at a time'
const key = () => `reply-${(keys += 1)}`
const streamLog = (address: RemoteAddress, from = 0) => bf.control.sent(address.key).slice(from)
const times = (log: SentActivity[]) => log.map((s) => Date.parse(s.receivedAt))

describe('streaming replies in a 1:1 chat', () => {
  it('sends the informative update, ordered updates at most once a second, then the final', async () => {
    const address = await userWrites({ user: USER, text: 'tell me a story' })
    const before = bf.control.sent(address.key).length
    const refusedBefore = bf.control.refusals(address.key).length
    const result = await streamReply(address, words(STORY.split(' '), 150))
    const log = streamLog(address, before)
    expect(result).toMatchObject({
      outcome: 'complete',
      alreadyDelivered: false,
      mode: 'stream',
      activityId: log[0]!.activityId,
      text: STORY,
    })
    expect(log[0]!.activity).toMatchObject({
      type: 'typing',
      text: 'Thinking…',
      entities: [{ type: 'streaminfo', streamType: 'informative', streamSequence: 1 }],
    })
    const updates = log.slice(1, -1)
    expect(updates.length).toBeGreaterThanOrEqual(2)
    expect(result.updates).toBe(updates.length + 1)
    const sequences = updates.map(
      (s) => (s.activity['entities'] as Array<{ streamSequence: number }>)[0]!.streamSequence,
    )
    expect(sequences).toEqual(sequences.map((_, i) => i + 2))
    const texts = updates.map((s) => String(s.activity['text']))
    for (const [i, text] of texts.entries())
      expect(STORY.startsWith(text) && text > (texts[i - 1] ?? '')).toBe(true)
    // Coalesced: fewer updates than words, and never two within a second.
    expect(updates.length).toBeLessThan(STORY.split(' ').length)
    const at = times(log)
    for (let i = 1; i < at.length; i += 1) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1_000)
    expect(log.at(-1)!.activity).toMatchObject({
      type: 'message',
      text: STORY,
      entities: [{ type: 'streaminfo', streamType: 'final', streamId: log[0]!.activityId }],
    })
    expect(log.every((s) => s.activityId === log[0]!.activityId)).toBe(true)
    expect(bf.control.refusals(address.key).slice(refusedBefore)).toEqual([])
    expect(bf.control.streams(address.key).at(-1)).toMatchObject({ status: 'final' })
  })

  it('keeps to Teams’ pace when set to go faster: 429s are waited out, the reply arrives once', async () => {
    const address = await userWrites({ user: USER, text: 'quick one' })
    const before = bf.control.sent(address.key).length
    const result = await drive(
      sender({ updateIntervalMs: 200 }).reply({
        to: address,
        deltas: words(STORY.split(' '), 100),
        idempotencyKey: key(),
        log: silentLog,
      }),
      50,
    )
    const log = streamLog(address, before)
    const throttled = bf.control.refusals(address.key).filter((r) => r.status === 429)
    expect(throttled.length).toBeGreaterThan(0)
    expect(throttled.every((r) => r.retryAfter === '1')).toBe(true)
    expect(result.outcome).toBe('complete')
    expect(log.filter((s) => s.activity['type'] === 'message')).toHaveLength(1)
    expect(log.at(-1)!.activity['text']).toBe(STORY)
    const at = times(log)
    for (let i = 1; i < at.length; i += 1) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(1_000)
  })

  it('waits out a Retry-After the connector asks for before the next update', async () => {
    const address = await userWrites({ user: USER, text: 'and now?' })
    const before = bf.control.sent(address.key).length
    const fault = { route: 'botframework.sendActivity', status: 429, retryAfterSeconds: 4 }
    const result = await streamReply(
      address,
      words(STORY.split(' '), 300, (i) => i === 4 && bf.control.faults.add(fault)),
    )
    expect(result.outcome).toBe('complete')
    const log = streamLog(address, before)
    const at = times(log)
    const gaps = at.slice(1).map((t, i) => t - at[i]!)
    expect(Math.max(...gaps)).toBeGreaterThanOrEqual(4_000)
    expect(log.at(-1)!.activity['text']).toBe(STORY)
  })
})

describe('finishing in time and only once', () => {
  it('ends the stream before two minutes with the text so far and a note', async () => {
    const address = await userWrites({ user: USER, text: 'write me a novel' })
    const before = bf.control.sent(address.key).length
    const refusedBefore = bf.control.refusals(address.key).length
    let stopped = false
    async function* slow(signal: AbortSignal): AsyncGenerator<string> {
      try {
        for (let i = 0; ; i += 1) {
          await clock.sleep(10_000, signal)
          yield i === 0 ? 'Chapter' : ` ${i}`
        }
      } finally {
        stopped = true
      }
    }
    const result = await drive(
      sender().reply({ to: address, deltas: slow, idempotencyKey: key(), log: silentLog }),
      500,
    )
    const log = streamLog(address, before)
    const final = log.at(-1)!
    expect(result.outcome).toBe('truncated')
    expect(final.activity['type']).toBe('message')
    expect(String(final.activity['text'])).toMatch(/^Chapter 1 2 3 4 5 6 7 8 9\b/)
    expect(String(final.activity['text']).endsWith(DEFAULT_REPLY_OPTIONS.truncatedNote)).toBe(true)
    expect(Date.parse(final.receivedAt) - Date.parse(log[0]!.receivedAt)).toBeLessThan(120_000)
    expect(bf.control.refusals(address.key).slice(refusedBefore)).toEqual([])
    expect(stopped).toBe(true)
  })

  it('says so clearly when nothing came in time', async () => {
    const address = await userWrites({ user: USER, text: 'hello?' })
    async function* silent(): AsyncGenerator<string> {
      await clock.sleep(600_000)
      yield 'too late'
    }
    const result = await drive(
      sender().reply({ to: address, deltas: silent(), idempotencyKey: key(), log: silentLog }),
      1_000,
    )
    expect(result).toMatchObject({ outcome: 'truncated', text: DEFAULT_REPLY_OPTIONS.timeoutText })
    expect(bf.control.sent(address.key).at(-1)!.activity['text']).toBe(
      DEFAULT_REPLY_OPTIONS.timeoutText,
    )
  })

  it('never posts a second final: not on a retry, not after a lost answer', async () => {
    const address = await userWrites({ user: USER, text: 'once please' })
    const before = bf.control.sent(address.key).length
    const idempotencyKey = key()
    const replySender = sender()
    const first = await drive(
      replySender.reply({
        to: address,
        deltas: words(['One', 'answer'], 200),
        idempotencyKey,
        log: silentLog,
      }),
    )
    const again = await drive(
      replySender.reply({
        to: address,
        deltas: words(['Other'], 200),
        idempotencyKey,
        log: silentLog,
      }),
    )
    expect(again).toEqual({ ...first, alreadyDelivered: true })
    expect(await replySender.delivered(idempotencyKey)).toEqual({
      ...first,
      alreadyDelivered: true,
    })

    // A crash after the final was posted but before it was recorded: the retry sends the final
    // again, Teams refuses it as already completed, and the reply counts as delivered.
    await deps.state.put('botframework-reply', idempotencyKey, {
      phase: 'finalizing',
      streamId: first.activityId!,
      parts: ['One answer'],
      sentIds: [],
      inFlight: false,
      outcome: 'complete',
      updates: first.updates,
    })
    const resumed = await drive(
      replySender.reply({
        to: address,
        deltas: words(['Other'], 200),
        idempotencyKey,
        log: silentLog,
      }),
    )
    expect(resumed).toMatchObject({
      outcome: 'complete',
      activityId: first.activityId,
      text: 'One answer',
    })
    const finals = streamLog(address, before).filter((s) => s.activity['type'] === 'message')
    expect(finals.map((s) => s.activity['text'])).toEqual(['One answer'])
    expect(bf.control.refusals(address.key).at(-1)).toMatchObject({
      status: 403,
      message: 'Content stream is not allowed on an already completed streamed message',
    })
  })

  it('sends the final again when its answer was lost on the way', async () => {
    const address = await userWrites({ user: USER, text: 'are you sure?' })
    const before = bf.control.sent(address.key).length
    const list = ['Quite', 'sure']
    const result = await streamReply(
      address,
      words(list, 200, (i) => {
        if (i === list.length - 1)
          bf.control.faults.add({ route: 'botframework.sendActivity', drop: true })
      }),
    )
    expect(result.outcome).toBe('complete')
    const finals = streamLog(address, before).filter((s) => s.activity['type'] === 'message')
    expect(finals.map((s) => s.activity['text'])).toEqual(['Quite sure'])
  })

  it('stops when the user presses Stop, and sends no final', async () => {
    const address = await userWrites({ user: USER, text: 'long answer please' })
    const before = bf.control.sent(address.key).length
    const result = await streamReply(
      address,
      words(STORY.split(' '), 400, (i) => {
        if (i === 6) bf.control.userStopsStream({ conversationId: address.key })
      }),
    )
    expect(result.outcome).toBe('cancelled')
    const log = streamLog(address, before)
    expect(log.filter((s) => s.activity['type'] === 'message')).toEqual([])
    expect(STORY.startsWith(result.text)).toBe(true)
  })

  it('sends nothing when the caller says the reply was already delivered', async () => {
    const address = await userWrites({ user: USER, text: 'hi again' })
    const before = bf.control.sent(address.key).length
    const result = await sender().reply({
      to: address,
      deltas: words(['x'], 10),
      idempotencyKey: key(),
      log: silentLog,
      alreadyDelivered: async () => true,
    })
    expect(result).toMatchObject({ alreadyDelivered: true, text: '' })
    expect(bf.control.sent(address.key)).toHaveLength(before)
  })
})

describe('group chats and channels', () => {
  it('answers a group chat with one message at the end, no stream', async () => {
    const address = await userWrites({
      user: USER,
      text: 'what is the status?',
      mentionBot: true,
      conversationType: 'groupChat',
    })
    const before = bf.control.sent(address.key).length
    const result = await streamReply(address, words(STORY.split(' '), 150))
    const log = streamLog(address, before)
    expect(result).toMatchObject({ outcome: 'complete', mode: 'message', text: STORY, updates: 0 })
    expect(log.map((s) => [s.activity['type'], s.activity['text']])).toEqual([
      ['typing', undefined],
      ['message', STORY],
    ])
    expect(log[1]!.activityId).toBe(result.activityId)
    expect(bf.control.streams(address.key)).toEqual([])
    expect(bf.control.refusals(address.key)).toEqual([])
  })
})
