import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { GenesysEmulator } from '../../emulators/genesys/index.ts'
import { createOpenMessagingClient } from '../../src/connectors/genesys/open-messaging/client.ts'
import {
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../src/core/errors.ts'
import type { BackendClient, SendContext } from '../../src/core/ports/connector.ts'
import { silentLog } from './botframework-support.ts'
import {
  CLIENT_SECRET,
  countingSecrets,
  customerMessage,
  genesysDeps,
  genesysIntegration,
  startGenesys,
  teamsChat,
  teamsCustomer,
  WEBHOOK_TOKEN,
} from './genesys-support.ts'

const customer = teamsCustomer
const message = customerMessage

const ctx = (idempotencyKey: string): SendContext => ({ idempotencyKey, log: silentLog })

let genesys: GenesysEmulator
let secrets: ReturnType<typeof countingSecrets>
let client: BackendClient

beforeEach(async () => {
  genesys = await startGenesys('http://127.0.0.1:9/unused')
  secrets = countingSecrets({
    'genesys-client-secret': CLIENT_SECRET,
    'genesys-webhook-secret': WEBHOOK_TOKEN,
  })
  client = createOpenMessagingClient(genesysIntegration(genesys.url), genesysDeps(secrets))
})

afterEach(async () => {
  await genesys.close()
})

const addressOfCustomer = () => client.addressFor(client.identify(customer, teamsChat))

describe('Open Messaging client against the Genesys emulator', () => {
  it('gets a token and delivers a message exactly once, with documented fields only', async () => {
    const sent = await client.send(
      addressOfCustomer(),
      message('Hello from Teams'),
      ctx('teams:m-1'),
    )
    const received = genesys.control.received()
    expect(received).toHaveLength(1)
    expect(received[0]).toMatchObject({
      id: sent.remoteMessageId,
      // The customer's first message: no Genesys conversation known yet, so marked (ids.ts).
      channelMessageId: 'teams:m-1~first',
      text: 'Hello from Teams',
      from: {
        id: '72f988bf-86f1-41af-91ab-2d7cd011db47:ef1c916a-3135-4417-ba27-8eb7bd084193',
        idType: 'Opaque',
        firstName: 'Megan',
        lastName: 'Bowen',
        nickname: 'Megan Bowen',
      },
      customAttributes: {
        teamsTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        teamsAadObjectId: 'ef1c916a-3135-4417-ba27-8eb7bd084193',
        teamsUpn: 'megan@contoso.com',
      },
      duplicate: false,
      ignoredFields: [],
    })
  })

  it('splits long text into ordered parts and does not resend delivered parts on retry', async () => {
    const text = ['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(3000)].join('\n\n')
    genesys.control.failNext({ route: 'genesys.inbound.message', status: 503 })
    // The first part fails with 503: a non-idempotent send is not retried in-process.
    await expect(
      client.send(addressOfCustomer(), message(text), ctx('teams:long')),
    ).rejects.toThrow(RemoteUnavailableError)
    expect(genesys.control.received()).toHaveLength(0)

    // Next attempt: the first part goes through (a latency-only fault is used up by it), the
    // second gets a 503.
    genesys.control.failNext({ route: 'genesys.inbound.message', latencyMs: 1 })
    genesys.control.failNext({ route: 'genesys.inbound.message', status: 503 })
    await expect(
      client.send(addressOfCustomer(), message(text), ctx('teams:long')),
    ).rejects.toThrow(RemoteUnavailableError)
    expect(genesys.control.received()).toHaveLength(1)
    const sent = await client.send(addressOfCustomer(), message(text), ctx('teams:long'))

    const received = genesys.control.received()
    expect(received.map((r) => r.channelMessageId)).toEqual([
      'teams:long#1~first',
      'teams:long#2',
      'teams:long#3',
    ])
    expect(received.map((r) => r.text).join('')).toBe(text)
    expect(received.every((r) => !r.duplicate)).toBe(true)
    expect(sent.remoteMessageId).toBe(received[2]!.id)
  })

  it('sends typing as an inbound event', async () => {
    await client.sendTyping!(addressOfCustomer(), ctx('typing-1'))
    expect(genesys.control.events()).toMatchObject([
      { from: { id: addressOfCustomer().key }, events: [{ eventType: 'Typing' }] },
    ])
  })

  it('sends Delivered and Failed receipts for agent messages', async () => {
    const to = addressOfCustomer()
    await client.send(to, message('hi'), ctx('teams:m-2'))
    const agent = await genesys.control.agentSends({
      integrationId: '1f7a1c52-7b0c-4a3c-9d9b-6a2a0c1e5f10',
      toId: to.key,
      text: 'Hello, this is Ana',
    })
    await client.sendReceipt!(to, agent.messageId, 'Delivered', undefined, ctx('r-1'))
    await client.sendReceipt!(
      to,
      agent.messageId,
      'Failed',
      'Teams refused the message',
      ctx('r-2'),
    )
    expect(genesys.control.receipts()).toMatchObject([
      { id: agent.messageId, status: 'Delivered', toId: to.key, matched: true },
      {
        id: agent.messageId,
        status: 'Failed',
        reasons: [{ code: 'GeneralError', message: 'Teams refused the message' }],
      },
    ])
  })

  it('reports a receipt Genesys refuses (unknown message) as rejected', async () => {
    await expect(
      client.sendReceipt!(addressOfCustomer(), 'f'.repeat(32), 'Delivered', undefined, ctx('r-3')),
    ).rejects.toThrow(RemoteRejectedError)
  })

  it('honours Retry-After on 429 and delivers once', async () => {
    genesys.control.failNext({
      route: 'genesys.inbound.message',
      status: 429,
      retryAfterSeconds: 1,
    })
    const started = Date.now()
    await client.send(addressOfCustomer(), message('after a 429'), ctx('teams:m-3'))
    expect(Date.now() - started).toBeGreaterThanOrEqual(950)
    expect(genesys.control.received().map((r) => r.text)).toEqual(['after a 429'])
  })

  it('hands a long Retry-After to the job queue instead of waiting', async () => {
    genesys.control.failNext({
      route: 'genesys.inbound.message',
      status: 429,
      retryAfterSeconds: 120,
    })
    const error = await client
      .send(addressOfCustomer(), message('later'), ctx('teams:m-4'))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RemoteUnavailableError)
    expect((error as RemoteUnavailableError).retryAfterMs).toBe(120_000)
    expect(genesys.control.received()).toHaveLength(0)
  })

  it('re-reads the secret once after a 401 and retries', async () => {
    await client.send(addressOfCustomer(), message('one'), ctx('teams:m-5'))
    genesys.control.expireTokens()
    await client.send(addressOfCustomer(), message('two'), ctx('teams:m-6'))
    expect(secrets.counts.reloads).toBe(1)
    expect(genesys.control.received().map((r) => r.text)).toEqual(['one', 'two'])
  })

  it('fails with RemoteAuthError when the login host refuses the client', async () => {
    secrets.values.set('genesys-client-secret', 'not-the-secret')
    await expect(client.send(addressOfCustomer(), message('x'), ctx('teams:m-7'))).rejects.toThrow(
      RemoteAuthError,
    )
    expect(genesys.control.received()).toHaveLength(0)
  })
})
