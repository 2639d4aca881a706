import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { DEFAULT_API_KEY } from '../../emulators/openai/index.ts'
import { activitySchema } from '../../src/connectors/microsoft/botframework/activity.ts'
import { botActivityToEnvelopes } from '../../src/connectors/microsoft/teams-bot/from-activity.ts'
import type { IntegrationId } from '../../src/core/model/ids.ts'
import type { JsonValue } from '../../src/core/model/json.ts'
import { BOT_TEXTS } from '../../src/flows/ai-bot/index.ts'
import { eventually } from '../support/sandbox.ts'
import { type AiBotWorld, ANA, BEN, BOT, EVE, startAiBotWorld } from './ai-bot-world.ts'

type Sent = {
  operation: string
  activity: { type?: string; text?: string; entities?: Array<{ type: string }> }
}

describe('AI bot: Teams (Bot Framework emulator) answered by an OpenAI-compatible model', () => {
  let w: AiBotWorld
  let botId: string
  beforeAll(async () => {
    w = await startAiBotWorld()
    botId = await w.createBot({ contactCollection: true })
  }, 30_000)
  afterAll(async () => w?.close())

  const sent = (conversationId: string): Sent[] => w.teams.control.sent(conversationId) as Sent[]
  /** What the user sees as bot messages: finals of streams and plain messages. */
  const messages = (conversationId: string) =>
    sent(conversationId)
      .filter((s) => s.activity.type === 'message')
      .map((s) => s.activity.text)
  const lastUserText = () => {
    const request = w.openai.control.requests().at(-1)!
    const body = request.body as { messages: Array<{ role: string; content: unknown }> }
    return body.messages.filter((m) => m.role === 'user').at(-1)?.content
  }
  const entityOf = (a: Sent) =>
    (a.activity.entities ?? []).find((e) => e.type === 'streaminfo') as
      { streamType?: string; streamSequence?: number } | undefined
  const userSays = async (user: typeof ANA, text: string, extra: object = {}) => {
    const result = await w.teams.control.userSends({ user, text, ...extra })
    await w.idle()
    return { ...result, conversationId: (result.activity.conversation as { id: string }).id }
  }
  const patch = async (settings: object) => {
    const res = await w.api('PATCH', `/integrations/${botId}`, { settings })
    expect(res.status).toBe(200)
    w.bridge.invalidate(botId as never)
  }

  it('streams a 1:1 answer: informative update, rising sequences at most once a second, one final', async () => {
    const answer =
      'Your laptop ships on Monday from the Lisbon depot and should reach you by Wednesday.'
    w.openai.control.setReply({ text: answer })
    w.openai.control.setStreaming({ chunkDelayMs: 150 })
    const said = await userSays(ANA, 'Where is my laptop?')
    w.openai.control.setStreaming({ chunkDelayMs: 0 })
    expect(said.status).toBe(202)
    expect(lastUserText()).toBe('Where is my laptop?')

    const activities = sent(said.conversationId)
    const stream = activities.filter((a) => entityOf(a) !== undefined || a.operation === 'stream')
    const interim = stream.filter((a) => a.activity.type === 'typing').map(entityOf)
    expect(interim[0]).toMatchObject({ streamType: 'informative', streamSequence: 1 })
    expect(interim.length).toBeGreaterThanOrEqual(3)
    const sequences = interim.map((e) => e?.streamSequence)
    expect(sequences).toEqual([...sequences].sort((a, b) => Number(a) - Number(b)))
    expect(new Set(sequences).size).toBe(sequences.length)
    const texts = stream.filter((a) => a.activity.type === 'typing').map((a) => a.activity.text)
    for (const text of texts.slice(1)) expect(answer.startsWith(String(text))).toBe(true)
    expect(messages(said.conversationId)).toEqual([answer])
    expect(entityOf(stream.at(-1)!)).toMatchObject({ streamType: 'final' })
    // Teams' one-request-a-second limit was never hit.
    expect(w.teams.control.refusals(said.conversationId)).toEqual([])
    expect(w.teams.control.streams(said.conversationId).at(-1)).toMatchObject({ status: 'final' })
  })

  it('a job that runs again delivers nothing twice and asks the model once', async () => {
    w.openai.control.setReply({ text: 'Delivered exactly once.' })
    const said = await userSays(ANA, 'Once, please')
    const before = w.openai.control.requests().length
    // The queue runs the same turn again (at-least-once delivery), once with its turn record
    // and once as if the process had died between delivering the reply and recording the turn.
    const [envelope] = botActivityToEnvelopes(
      activitySchema.parse(said.activity),
      botId as IntegrationId,
      new Date(),
    )
    const payload = { integrationId: botId, envelope } as unknown as JsonValue
    const key = `ai-bot:${botId}:${String(said.activity.id)}`
    await w.bridge.infra.queue.enqueue([
      { task: 'ai-bot.turn', payload, lane: 'retry', dedupeKey: `${key}:again-1` },
    ])
    await w.idle()
    await w.bridge.infra.store.state.delete('ai-bot-turn', key)
    await w.bridge.infra.queue.enqueue([
      { task: 'ai-bot.turn', payload, lane: 'retry', dedupeKey: `${key}:again-2` },
    ])
    await w.idle()
    expect(
      messages(said.conversationId).filter((t) => t === 'Delivered exactly once.'),
    ).toHaveLength(1)
    expect(w.openai.control.requests().length).toBe(before)
  })

  it('a reply Teams refused is sent by the retried job, once', async () => {
    w.openai.control.setReply({ text: 'Second time lucky.' })
    const first = await w.teams.control.userSends({
      user: ANA,
      text: 'retry test',
      conversationType: 'groupChat',
      mentionBot: true,
    })
    const chat = (first.activity.conversation as { id: string }).id
    await w.idle()
    const before = w.openai.control.requests().length
    // The typing indicator and the message both fail once: the job fails and is retried.
    w.teams.control.faults.add({ route: 'botframework.sendActivity', status: 503, times: 2 })
    await userSays(ANA, '<at>Helpdesk</at> again please', { conversationId: chat })
    await eventually('the retried reply', () => messages(chat).length === 2, 20_000)
    await w.idle()
    expect(messages(chat)).toEqual(['Second time lucky.', 'Second time lucky.'])
    expect(w.openai.control.requests().length).toBe(before + 1)
  })

  it('refuses a missing or forged token with 401 and starts no turn', async () => {
    const before = w.openai.control.requests().length
    for (const fault of ['noToken', 'badSignature', 'wrongAudience'] as const) {
      w.teams.control.injectDelivery(fault)
      const said = await userSays(ANA, `forged ${fault}`)
      expect(said.status).toBe(401)
    }
    expect(w.openai.control.requests().length).toBe(before)
  })

  it('a re-delivered activity starts no second turn', async () => {
    w.openai.control.setReply({ text: 'One answer only.' })
    const before = w.openai.control.requests().length
    w.teams.control.injectDelivery('duplicate')
    const said = await userSays(ANA, 'Say it once')
    expect(said.deliveries.map((d) => d.status)).toEqual([202, 202])
    expect(messages(said.conversationId).filter((t) => t === 'One answer only.')).toHaveLength(1)
    expect(w.openai.control.requests().length).toBe(before + 1)
  })

  it('keeps the session history, and ///reset starts a fresh one and says so', async () => {
    // One message per answer from here on: these tests are about what is said, not how.
    await patch({ stream: false })
    w.openai.control.setReply({ text: 'Noted.' })
    await userSays(ANA, 'My name is Ana')
    const withHistory = w.openai.control.requests().at(-1)!.body as { messages: unknown[] }
    expect(JSON.stringify(withHistory.messages)).toContain('Where is my laptop?')

    const reset = await userSays(ANA, '///reset')
    expect(messages(reset.conversationId).at(-1)).toBe(BOT_TEXTS.sessionReset)
    await userSays(ANA, 'Hello again')
    const fresh = w.openai.control.requests().at(-1)!.body as { messages: unknown[] }
    expect(JSON.stringify(fresh.messages)).not.toContain('My name is Ana')
  })

  it('ends the session after the session duration (clock moved forward)', async () => {
    await patch({ sessionDurationMs: 60_000 })
    await userSays(ANA, '///new')
    await userSays(ANA, 'Remember the number 42')
    await userSays(ANA, 'What was the number?')
    expect(JSON.stringify(w.openai.control.requests().at(-1)!.body)).toContain('number 42')

    w.clock.advance(61_000)
    await userSays(ANA, 'And now?')
    expect(JSON.stringify(w.openai.control.requests().at(-1)!.body)).not.toContain('number 42')
    await patch({ sessionDurationMs: 86_400_000 })
  })

  it('a responder that is rate limited or too slow gives a polite message', async () => {
    w.openai.control.addFault({ route: 'openai.chat.completions', status: 429, times: 1 })
    const busy = await userSays(ANA, 'Are you there?')
    expect(messages(busy.conversationId).at(-1)).toMatch(
      /^Sorry, I am receiving a lot of questions/,
    )

    const count = w.openai.control.requests().length
    w.openai.control.addFault({ route: 'openai.chat.completions', latencyMs: 4_000, times: 1 })
    const slow = await userSays(ANA, 'Still there?')
    expect(messages(slow.conversationId).at(-1)).toMatch(/^Sorry, I could not put an answer/)
    // The emulator records the abandoned request when its latency is over.
    await eventually('the slow request', () => w.openai.control.requests().length > count)

    // Logged by class and status, never with the key, the prompt or the user's words.
    const entries = w.logs.map((l) => JSON.parse(l) as Record<string, unknown>)
    const polite = entries.filter((e) => String(e.msg).includes('polite message'))
    expect(polite.map((e) => e.failure)).toEqual(['busy', 'timeout'])
    const remote = entries.filter((e) => e.msg === 'responder failed')
    expect(remote.map((e) => e.kind)).toEqual(['busy', 'timeout'])
    for (const secret of [DEFAULT_API_KEY, BOT.secret, 'Are you there?', 'Contoso helpdesk'])
      expect(w.logs.join('\n')).not.toContain(secret)
  })

  it('in a group chat answers only when mentioned, without its own mention', async () => {
    w.openai.control.setReply({ text: 'Hello group.' })
    const first = await w.teams.control.userSends({
      user: ANA,
      text: 'start',
      conversationType: 'groupChat',
      mentionBot: true,
    })
    await w.idle()
    const chat = (first.activity.conversation as { id: string }).id
    expect(messages(chat)).toEqual(['Hello group.'])
    expect(lastUserText()).toBe('start')

    // With consent to read every message, an unaddressed one still reaches the bot: no answer.
    w.teams.control.receiveAllMessages({ scopeId: chat })
    const before = w.openai.control.requests().length
    const aside = await userSays(BEN, 'just chatting among us', { conversationId: chat })
    expect(aside.status).toBe(202)
    expect(w.openai.control.requests().length).toBe(before)
    expect(messages(chat)).toHaveLength(1)
  })

  it('allowFrom refuses others politely, and nothing reaches the responder', async () => {
    await patch({ allowFrom: ['@contoso.example'] })
    const before = w.openai.control.requests().length
    const refused = await userSays(EVE, 'Let me in')
    expect(messages(refused.conversationId)).toEqual([BOT_TEXTS.notAllowed])
    expect(w.openai.control.requests().length).toBe(before)
    const allowed = await userSays(BEN, 'Hi, I am Ben')
    expect(messages(allowed.conversationId)).toHaveLength(1)
    expect(w.openai.control.requests().length).toBe(before + 1)
    await patch({ allowFrom: null })
  })

  it('lists contacts and conversation events through the API', async () => {
    await w.teams.control.installBot({ user: BEN })
    await w.idle()
    const contacts = await w.api('GET', `/integrations/${botId}/contacts?order=asc`)
    expect(contacts.status).toBe(200)
    expect(contacts.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          aadObjectId: ANA.aadObjectId,
          tenantId: ANA.tenantId,
          name: ANA.name,
          upn: ANA.userPrincipalName,
        }),
        expect.objectContaining({ aadObjectId: BEN.aadObjectId, upn: BEN.userPrincipalName }),
      ]),
    )
    expect(contacts.body.items.some((c) => c.aadObjectId === EVE.aadObjectId)).toBe(false)

    const events = await w.api('GET', `/integrations/${botId}/events?order=asc`)
    expect(events.status).toBe(200)
    const types = events.body.items.map((e) => [e.type, e.data.action ?? null])
    expect(types).toEqual(
      expect.arrayContaining([
        ['installationUpdate', 'add'],
        ['conversationUpdate', null],
      ]),
    )
    const update = events.body.items.find((e) => e.type === 'conversationUpdate')
    expect(update?.data).toMatchObject({ botAdded: true, conversationType: 'personal' })
  })

  it('passes files from Microsoft hosts within the size limit, and no others', async () => {
    await patch({ attachments: true })
    w.openai.control.setReply({ text: 'Got your file.' })
    await userSays(ANA, 'here is the log', {
      files: [
        { name: 'error-log.txt', content: Buffer.from('disk full'), contentType: 'text/plain' },
      ],
    })
    const withFile = JSON.stringify(w.openai.control.requests().at(-1)!.body)
    expect(withFile).toContain('error-log.txt')
    expect(withFile).toContain('[The user attached: error-log.txt (text/plain')

    await userSays(ANA, 'and these', {
      files: [{ name: 'huge.txt', content: Buffer.alloc(20_000, 97), contentType: 'text/plain' }],
      attachments: [
        {
          contentType: 'image/png',
          contentUrl: 'https://attacker.example/leak.png',
          name: 'x.png',
        },
      ],
    })
    const refused = JSON.stringify(w.openai.control.requests().at(-1)!.body)
    expect(refused).not.toContain('huge.txt')
    expect(refused).not.toContain('attacker.example')
    expect(refused).not.toContain('x.png')
    await patch({ attachments: false })
  })

  it('a deleted integration refuses activities at once (404) and keeps its history', async () => {
    const deleted = await w.api('DELETE', `/integrations/${botId}`)
    expect(deleted.status).toBe(204)
    const said = await w.teams.control.userSends({ user: ANA, text: 'Anyone?' })
    expect(said.status).toBe(404)
    const contacts = await w.bridge.infra.store.contacts.page(botId as never, {
      order: 'asc',
      take: 10,
    })
    expect(contacts.items.length).toBeGreaterThan(0)
  })
})
