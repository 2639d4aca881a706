import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { GenesysEmulator } from '../../emulators/genesys/index.ts'
import {
  createOpenMessagingClient,
  firstSendEvidenceMs,
} from '../../src/connectors/genesys/open-messaging/client.ts'
import type { ConnectorDeps } from '../../src/connectors/shared/deps.ts'
import { RemoteUnavailableError } from '../../src/core/errors.ts'
import type { Integration } from '../../src/core/model/integration.ts'
import type { RemoteAddress } from '../../src/core/model/remote-address.ts'
import type { Clock } from '../../src/core/ports/clock.ts'
import type { BackendClient, SendContext } from '../../src/core/ports/connector.ts'
import { jobsForEnvelopes, TASKS } from '../../src/flows/customer-chat/tasks.ts'
import { systemClock } from '../../src/infra/clock/system-clock.ts'
import { eventually } from '../support/sandbox.ts'
import { silentLog } from './botframework-support.ts'
import {
  CLIENT_SECRET,
  countingSecrets,
  customerMessage,
  genesysDeps,
  OM_INTEGRATION_ID,
  startGenesysWithWebhook,
  teamsChat,
  teamsCustomer,
  WEBHOOK_TOKEN,
} from './genesys-support.ts'
import type { WebhookEndpoint } from './webhook-endpoint.ts'

/*
 * A send cut after Genesys took it (a crash, a timeout) is resent with `resend` set; Open
 * Messaging does not deduplicate, so the connector must find the earlier copy itself.
 */

const secrets = countingSecrets({
  'genesys-client-secret': CLIENT_SECRET,
  'genesys-webhook-secret': WEBHOOK_TOKEN,
})

/** The system clock, moved forward by the test. */
const clock = (() => {
  let offsetMs = 0
  const c: Clock & { advance(ms: number): void } = {
    now: () => new Date(systemClock.nowMs() + offsetMs),
    nowMs: () => systemClock.nowMs() + offsetMs,
    sleep: (ms, signal) => systemClock.sleep(ms, signal),
    advance: (ms) => void (offsetMs += ms),
  }
  return c
})()

let genesys: GenesysEmulator
let bridge: WebhookEndpoint
let integration: Integration
let deps: ConnectorDeps
let to: RemoteAddress

/** A client as a process has it: a new one after a crash shares only the store with the old. */
const newProcess = (): BackendClient => createOpenMessagingClient(integration, deps)

const ctx = (idempotencyKey: string, extra: Partial<SendContext> = {}): SendContext => ({
  idempotencyKey,
  log: silentLog,
  ...extra,
})

/** Sends and is cut before the answer: Genesys takes the message, the bridge never hears back. */
async function sendCut(client: BackendClient, key: string, text = key) {
  const before = genesys.control.received().length
  genesys.control.failNext({ route: 'genesys.inbound.message', latencyMs: 300 })
  await expect(
    client.send(to, customerMessage(text), ctx(key, { signal: AbortSignal.timeout(100) })),
  ).rejects.toThrow()
  await eventually('Genesys took the cut send', async () => {
    return genesys.control.received().length > before
  })
}

const texts = () => genesys.control.received().map((r) => r.text)

beforeEach(async () => {
  const world = await startGenesysWithWebhook({ secrets, clock })
  genesys = world.genesys
  integration = world.integration
  bridge = world.bridge
  deps = { ...genesysDeps(secrets), clock }
  const client = newProcess()
  to = client.addressFor(client.identify(teamsCustomer, teamsChat))
})

afterEach(async () => {
  await bridge.close()
  await genesys.close()
})

describe('resending to a known Genesys conversation', () => {
  beforeEach(async () => {
    await newProcess().send(to, customerMessage('first'), ctx('teams:first'))
  })

  it('does not deliver twice a send Genesys took before a crash cut its answer', async () => {
    await sendCut(newProcess(), 'teams:cut')
    const sent = await newProcess().send(
      to,
      customerMessage('teams:cut'),
      ctx('teams:cut', { resend: true }),
    )
    expect(texts()).toEqual(['first', 'teams:cut'])
    expect(sent.remoteMessageId).toBe(genesys.control.received()[1]!.id)
    const metrics = deps.metrics as unknown as { render(): Promise<{ body: string }> }
    expect((await metrics.render()).body).toMatch(
      /cxb_resend_checks_total\{remote="genesys",outcome="found"\} 1/,
    )
  })

  it('delivers once a resend whose earlier attempt never reached Genesys', async () => {
    genesys.control.failNext({ route: 'genesys.inbound.message', status: 503 })
    const client = newProcess()
    await expect(client.send(to, customerMessage('lost'), ctx('teams:lost'))).rejects.toThrow(
      RemoteUnavailableError,
    )
    const sent = await client.send(to, customerMessage('lost'), ctx('teams:lost', { resend: true }))
    expect(texts()).toEqual(['first', 'lost'])
    expect(sent.remoteMessageId).toBe(genesys.control.received()[1]!.id)
    expect(genesys.control.received().every((r) => !r.duplicate)).toBe(true)
  })

  it('looks per part: parts recorded are skipped, the cut part is found, the rest sent once', async () => {
    const text = ['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(3000)].join('\n\n')
    // The first part is answered; the second is taken by Genesys but its answer is cut.
    genesys.control.failNext({ route: 'genesys.inbound.message', latencyMs: 1 })
    genesys.control.failNext({ route: 'genesys.inbound.message', latencyMs: 600 })
    await expect(
      newProcess().send(
        to,
        customerMessage(text),
        ctx('teams:long', { signal: AbortSignal.timeout(400) }),
      ),
    ).rejects.toThrow()
    await eventually('both parts taken', async () => genesys.control.received().length === 3)
    await newProcess().send(to, customerMessage(text), ctx('teams:long', { resend: true }))
    const received = genesys.control.received().slice(1)
    expect(received.map((r) => r.channelMessageId)).toEqual([
      'teams:long#1',
      'teams:long#2',
      'teams:long#3',
    ])
    expect(received.every((r) => !r.duplicate)).toBe(true)
  })

  it('a normal send adds no call and no store write; only a resend reads the conversation back', async () => {
    const calls: string[] = []
    const writes: string[] = []
    const http = deps.http
    const state = deps.state
    deps = {
      ...deps,
      http: {
        request: (req) => (
          calls.push(`${req.method} ${new URL(req.url).pathname}`),
          http.request(req)
        ),
      },
      state: { ...state, put: (ns, key, value) => (writes.push(ns), state.put(ns, key, value)) },
    }
    const client = newProcess()
    await client.send(to, customerMessage('second'), ctx('teams:second'))
    await client.send(to, customerMessage('third'), ctx('teams:third'))
    expect(calls.filter((c) => !c.startsWith('POST /oauth'))).toEqual([
      expect.stringMatching(/\/inbound\/open\/message$/),
      expect.stringMatching(/\/inbound\/open\/message$/),
    ])
    expect(writes).toEqual([])
    calls.length = 0
    await client.send(to, customerMessage('third'), ctx('teams:third', { resend: true }))
    expect(calls).toEqual([
      expect.stringMatching(/^GET \/api\/v2\/conversations\/messages\/[0-9a-f-]{36}$/),
      expect.stringMatching(
        /^POST \/api\/v2\/conversations\/messages\/[0-9a-f-]{36}\/messages\/bulk$/,
      ),
    ])
    expect(texts()).toEqual(['first', 'second', 'third'])
  })

  it('sends again when the conversation ended: the message may have opened a new one', async () => {
    await sendCut(newProcess(), 'teams:late')
    genesys.control.disconnect({ integrationId: OM_INTEGRATION_ID, toId: to.key })
    // Found in the ended conversation: still not sent twice.
    await newProcess().send(to, customerMessage('teams:late'), ctx('teams:late', { resend: true }))
    expect(texts()).toEqual(['first', 'teams:late'])
  })
})

describe('resending the first message of a Genesys conversation', () => {
  it('waits for the Published receipt, which names the conversation, then finds the message', async () => {
    await sendCut(newProcess(), 'teams:hello')
    const resend = () =>
      newProcess().send(to, customerMessage('teams:hello'), ctx('teams:hello', { resend: true }))
    // The receipt may not have come yet: a retryable wait, bounded by Genesys' retry schedule.
    const waiting = await resend().catch((error: unknown) => error)
    expect(waiting).toBeInstanceOf(RemoteUnavailableError)
    expect((waiting as RemoteUnavailableError).retryAfterMs).toBeLessThanOrEqual(5000)

    // The receipt reaches the edge; the edge tells from the payload alone that it matters.
    await genesys.control.idle()
    const jobs = jobsForEnvelopes('backend', integration.id, bridge.envelopes)
    expect(jobs).toEqual([expect.objectContaining({ task: TASKS.rememberConversation })])
    // Not in the customer's lane, which the waiting resend holds.
    expect(jobs[0]).not.toHaveProperty('lane')
    const receipt = bridge.envelopes[0]!
    expect(receipt.event).toMatchObject({
      type: 'receipt',
      status: 'Published',
      conversationRef: genesys.control.conversations()[0]!.id,
    })
    if (receipt.event.type !== 'receipt') throw new Error('not a receipt')
    await newProcess().rememberConversation!(
      receipt.address,
      receipt.event.conversationRef!,
      ctx('r'),
    )

    const sent = await resend()
    expect(texts()).toEqual(['teams:hello'])
    expect(sent.remoteMessageId).toBe(genesys.control.received()[0]!.id)
    // The next message knows the conversation: no mark, so its receipt gets no job.
    await newProcess().send(to, customerMessage('again'), ctx('teams:again'))
    await genesys.control.idle()
    expect(jobsForEnvelopes('backend', integration.id, bridge.envelopes)).toHaveLength(1)
  })

  it('resends at once a first message Genesys refused: it did not land', async () => {
    genesys.control.failNext({ route: 'genesys.inbound.message', status: 503 })
    await expect(
      newProcess().send(to, customerMessage('hello'), ctx('teams:hello')),
    ).rejects.toThrow(RemoteUnavailableError)
    await newProcess().send(to, customerMessage('hello'), ctx('teams:hello', { resend: true }))
    expect(texts()).toEqual(['hello'])
  })

  it('sends a first message that never landed once Genesys would have sent its receipt', async () => {
    // Cut before Genesys answered, and Genesys never took it: the bridge cannot know which.
    genesys.control.failNext({ route: 'genesys.inbound.message', latencyMs: 300, status: 504 })
    await expect(
      newProcess().send(
        to,
        customerMessage('hello'),
        ctx('teams:hello', { signal: AbortSignal.timeout(100) }),
      ),
    ).rejects.toThrow()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const resend = () =>
      newProcess().send(to, customerMessage('hello'), ctx('teams:hello', { resend: true }))
    await expect(resend()).rejects.toThrow(RemoteUnavailableError)
    expect(texts()).toEqual([])
    clock.advance(firstSendEvidenceMs)
    await resend()
    expect(texts()).toEqual(['hello'])
  })

  it('a first message answered normally marks its id and records the conversation once', async () => {
    const writes: string[] = []
    const state = deps.state
    deps = {
      ...deps,
      state: { ...state, put: (ns, key, value) => (writes.push(ns), state.put(ns, key, value)) },
    }
    const client = newProcess()
    await client.send(to, customerMessage('one'), ctx('teams:one'))
    await client.send(to, customerMessage('two'), ctx('teams:two'))
    expect(genesys.control.received().map((r) => r.channelMessageId)).toEqual([
      'teams:one~first',
      'teams:two',
    ])
    // Before the first send (when), after its answer (the conversation); none for the second.
    expect(writes).toEqual([
      'genesys-open-messaging.conversation',
      'genesys-open-messaging.conversation',
    ])
  })
})
