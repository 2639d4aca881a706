import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import type { BotFrameworkEmulator } from '../../emulators/botframework/index.ts'
import { createBotSender, isBotEcho } from '../../src/connectors/microsoft/botframework/index.ts'
import { microsoftTeamsSettings } from '../../src/connectors/microsoft/settings.ts'
import type { ConnectorDeps } from '../../src/connectors/shared/deps.ts'
import { PolicyRefusedError, RemoteUnavailableError } from '../../src/core/errors.ts'
import type { RemoteAddress } from '../../src/core/model/remote-address.ts'
import type { OutgoingMessage, SendContext } from '../../src/core/ports/connector.ts'
import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { type BotEmulators, startBotEmulators, USER } from './botframework-emulators.ts'
import { BOT_APP_ID, silentLog, TENANT_ID } from './botframework-support.ts'
import type { WebhookEndpoint } from './webhook-endpoint.ts'

let world: BotEmulators
let bf: BotFrameworkEmulator
let endpoint: WebhookEndpoint
let clock: ManualClock
let deps: ConnectorDeps

const settings = () => microsoftTeamsSettings.parse(world.settings)
const ctx = (idempotencyKey: string): SendContext => ({ idempotencyKey, log: silentLog })
const agentSays = (text: string): OutgoingMessage => ({
  content: { text, attachments: [], mentions: [] },
  sender: { role: 'agent', displayName: 'Agent Smith' },
  occurredAt: '2026-01-01T10:00:00.000Z',
})

beforeAll(async () => {
  clock = new ManualClock(Date.now())
  world = await startBotEmulators({ clock })
  bf = world.bf
  endpoint = world.endpoint
  deps = world.deps
  bf.control.addUser(USER)
})
afterAll(() => world.close())
beforeEach(() => {
  endpoint.envelopes.length = 0
  endpoint.refused.length = 0
  bf.control.clearFaults()
})

async function userWrites(text: string): Promise<RemoteAddress> {
  const result = await bf.control.userSends({ user: USER, text })
  expect(result.status).toBe(202)
  const envelope = endpoint.envelopes.at(-1)
  if (!envelope) throw new Error('no envelope')
  return envelope.address
}

describe('Bot Framework against the emulators', () => {
  it('verifies and parses a user activity the channel delivers', async () => {
    const result = await bf.control.userSends({ user: USER, text: 'I need help with my order' })
    expect(result.status).toBe(202)
    expect(endpoint.envelopes).toHaveLength(1)
    const envelope = endpoint.envelopes[0]!
    expect(envelope.dedupeKey).toBe(`botframework:${String(result.activity['id'])}`)
    expect(envelope.event).toMatchObject({
      type: 'message.created',
      message: {
        text: 'I need help with my order',
        sender: { aadObjectId: USER.aadObjectId, displayName: USER.name, tenantId: TENANT_ID },
      },
    })
    expect(envelope.address.data).toMatchObject({ serviceUrl: bf.serviceUrl, tenantId: TENANT_ID })
  })

  it('takes in a channel post that @mentions the bot, without the mention, and no others', async () => {
    const channel = {
      id: '19:care@thread.tacv2',
      name: 'Care',
      teamId: '19:team@thread.tacv2',
      tenantId: TENANT_ID,
    }
    bf.control.addChannel(channel)
    await bf.control.installBot({ user: USER, scope: 'team', channelId: channel.id })
    bf.control.receiveAllMessages({ scopeId: channel.teamId })
    endpoint.envelopes.length = 0
    const mentioned = await bf.control.userSends({
      user: USER,
      text: 'where is order 1042?',
      mentionBot: true,
      conversationType: 'channel',
      channelId: channel.id,
    })
    const chatter = await bf.control.userSends({
      user: USER,
      text: 'coffee anyone?',
      conversationType: 'channel',
      channelId: channel.id,
    })
    expect([mentioned.status, chatter.status]).toEqual([202, 202])
    expect(endpoint.envelopes).toHaveLength(1)
    expect(endpoint.envelopes[0]!.event).toMatchObject({
      type: 'message.created',
      message: { text: 'where is order 1042?', botMentioned: true, mentions: [] },
    })
    expect(endpoint.envelopes[0]!.address.data).toMatchObject({
      conversation: { conversationType: 'channel' },
    })
  })

  it.each([
    'noToken',
    'badSignature',
    'wrongIssuer',
    'wrongAudience',
    'wrongServiceUrl',
    'expiredToken',
    'entraKey',
    'unendorsedChannel',
  ] as const)('refuses a delivery with %s', async (fault) => {
    bf.control.injectDelivery(fault)
    const result = await bf.control.userSends({ user: USER, text: 'hello' })
    expect(result.status).toBe(401)
    expect(endpoint.envelopes).toHaveLength(0)
  })

  it('sends a proactive reply that lands in the connector log, and typing', async () => {
    const address = await userWrites('hi')
    const sender = createBotSender(settings(), deps)
    const sent = await sender.send(
      address,
      agentSays('Hello **Megan**, how can I help?'),
      ctx('m-1'),
    )
    await sender.sendTyping(address, ctx('t-1'))
    const log = bf.control.sent(address.key).slice(-2)
    expect(log.map((s) => s.activity['type'])).toEqual(['message', 'typing'])
    expect(log[0]).toMatchObject({
      activityId: sent.remoteMessageId,
      botAppId: BOT_APP_ID,
      activity: { text: 'Hello **Megan**, how can I help?', textFormat: 'markdown' },
    })
    // Sending again with the same idempotency key does not post twice.
    expect(await sender.send(address, agentSays('ignored'), ctx('m-1'))).toEqual(sent)
    expect(bf.control.sent(address.key).at(-1)?.activityId).toBe(log[1]?.activityId)
    expect(
      isBotEcho(settings(), { role: 'bot', displayName: 'Cx Bot', remoteId: `28:${BOT_APP_ID}` }),
    ).toBe(true)
  })

  it('splits text over the size limit into several activities', async () => {
    const address = await userWrites('send me the long terms')
    const before = bf.control.sent(address.key).length
    const text = `${'word '.repeat(2000).trim()}\n\n`.repeat(9)
    await createBotSender(settings(), deps).send(address, agentSays(text), ctx('long-1'))
    const parts = bf.control
      .sent(address.key)
      .slice(before)
      .map((s) => String(s.activity['text']))
    expect(parts.map((p) => p.length <= 40_000)).toEqual([true, true, true])
    expect(parts.join('') === text).toBe(true)
  })

  /**
   * Waits until the send sleeps on the manual clock (true) or settles (false). Advancing the
   * clock before it sleeps would leave it asleep for good, however slow the machine is.
   */
  const parked = async (promise: Promise<unknown>, sleepsBefore: number) => {
    let settled = false
    promise.then(
      () => (settled = true),
      () => (settled = true),
    )
    for (let i = 0; i < 2_000 && !settled && clock.pendingSleeps <= sleepsBefore; i += 1)
      await new Promise((resolve) => setTimeout(resolve, 5))
    return !settled && clock.pendingSleeps > sleepsBefore
  }

  it('waits out a short 429 Retry-After inside the send, then delivers once', async () => {
    const address = await userWrites('are you there?')
    const before = bf.control.sent(address.key).length
    bf.control.faults.add({ route: 'botframework.sendActivity', status: 429, retryAfterSeconds: 2 })
    const sleeps = clock.pendingSleeps
    const sending = createBotSender(settings(), deps).send(address, agentSays('one'), ctx('r-1'))
    expect(await parked(sending, sleeps)).toBe(true)
    expect(bf.control.sent(address.key)).toHaveLength(before)
    clock.advance(2_000)
    await sending
    expect(
      bf.control
        .sent(address.key)
        .slice(before)
        .map((s) => s.activity['text']),
    ).toEqual(['one'])
  })

  it('surfaces a long 429 and holds the conversation until Retry-After has passed', async () => {
    const address = await userWrites('still there?')
    const sender = createBotSender(settings(), deps)
    bf.control.faults.add({
      route: 'botframework.sendActivity',
      status: 429,
      retryAfterSeconds: 60,
    })
    const failure = await sender
      .send(address, agentSays('two'), ctx('r-2'))
      .catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(RemoteUnavailableError)
    expect((failure as RemoteUnavailableError).retryAfterMs).toBe(60_000)

    const sleeps = clock.pendingSleeps
    const retry = sender.send(address, agentSays('two'), ctx('r-2'))
    expect(await parked(retry, sleeps)).toBe(true)
    clock.advance(60_000)
    await retry
    expect(bf.control.sent(address.key).at(-1)?.activity['text']).toBe('two')
  })

  it('never sends the bot token to a serviceUrl outside the allowlist', async () => {
    const address = await userWrites('hi again')
    const forged = {
      ...address,
      data: { ...(address.data as object), serviceUrl: 'https://attacker.example/teams/' },
    } as RemoteAddress
    const sender = createBotSender(settings(), { ...deps, trustedHosts: [] })
    await expect(sender.send(forged, agentSays('x'), ctx('f-1'))).rejects.toBeInstanceOf(
      PolicyRefusedError,
    )
    await expect(sender.send(address, agentSays('x'), ctx('f-2'))).rejects.toBeInstanceOf(
      PolicyRefusedError,
    )
  })
})
