import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { GenesysEmulator } from '../../emulators/genesys/index.ts'
import { createOpenMessagingClient } from '../../src/connectors/genesys/open-messaging/client.ts'
import { PolicyRefusedError } from '../../src/core/errors.ts'
import type { Integration } from '../../src/core/model/integration.ts'
import type { RemoteAddress } from '../../src/core/model/remote-address.ts'
import type { BackendClient } from '../../src/core/ports/connector.ts'
import { systemClock } from '../../src/infra/clock/system-clock.ts'
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

let genesys: GenesysEmulator
let bridge: WebhookEndpoint
let client: BackendClient
let to: RemoteAddress
let integration: Integration
const secrets = countingSecrets({
  'genesys-client-secret': CLIENT_SECRET,
  'genesys-webhook-secret': WEBHOOK_TOKEN,
  'genesys-webhook-secret-next': 'the-next-webhook-token-0123',
})

async function start(settings: Record<string, unknown> = {}) {
  const world = await startGenesysWithWebhook({ secrets, clock: systemClock }, settings)
  genesys = world.genesys
  integration = world.integration
  bridge = world.bridge
  client = createOpenMessagingClient(integration, genesysDeps(secrets, [new URL(genesys.url).host]))
  to = client.addressFor(client.identify(teamsCustomer, teamsChat))
  await client.send(to, customerMessage('Hi'), { idempotencyKey: 'teams:m-1', log: silentLog })
}

afterEach(async () => {
  await bridge.close()
  await genesys.close()
})

describe('Genesys outbound webhook from the emulator', () => {
  beforeEach(() => start())

  it('verifies and parses an agent text message', async () => {
    const agent = await genesys.control.agentSends({
      integrationId: OM_INTEGRATION_ID,
      toId: to.key,
      text: 'Hello, this is Ana',
    })
    await genesys.control.idle()
    const messages = bridge.envelopes.filter((e) => e.event.type === 'message.created')
    expect(messages).toEqual([
      {
        dedupeKey: `genesys:${agent.messageId}`,
        address: expect.objectContaining({ kind: 'genesys-open-messaging', key: to.key }),
        occurredAt: expect.any(String),
        event: {
          type: 'message.created',
          message: expect.objectContaining({
            remoteMessageId: agent.messageId,
            text: 'Hello, this is Ana',
            sender: expect.objectContaining({ role: 'agent', displayName: 'Teams bridge' }),
          }),
        },
      },
    ])
    expect(bridge.refused).toEqual([])
  })

  it('parses the receipt Genesys posts for the accepted inbound message', async () => {
    await genesys.control.idle()
    const [inbound] = genesys.control.received()
    expect(bridge.envelopes.filter((e) => e.event.type === 'receipt')).toMatchObject([
      {
        dedupeKey: `genesys:${inbound!.id}:receipt:Published`,
        address: { key: to.key },
        event: { type: 'receipt', remoteMessageId: inbound!.id, status: 'Published' },
      },
    ])
  })

  it('parses agent typing and an agent attachment', async () => {
    await genesys.control.agentTyping({ integrationId: OM_INTEGRATION_ID, toId: to.key })
    await genesys.control.agentSends({
      integrationId: OM_INTEGRATION_ID,
      toId: to.key,
      attachments: [
        { mediaType: 'Image', mime: 'image/png', filename: 'screenshot.png', content: 'png' },
      ],
    })
    await genesys.control.idle()
    expect(bridge.envelopes.map((e) => e.event.type)).toEqual([
      'receipt',
      'typing',
      'message.created',
    ])
    expect(bridge.envelopes[2]!.event).toMatchObject({
      message: {
        text: '',
        attachments: [{ name: 'screenshot.png', mediaType: 'image/png', kind: 'image' }],
      },
    })
  })

  it('downloads an agent attachment named in the webhook', async () => {
    const bytes = Buffer.from('%PDF-1.7 fake invoice')
    await genesys.control.agentSends({
      integrationId: OM_INTEGRATION_ID,
      toId: to.key,
      attachments: [{ mediaType: 'Image', mime: 'image/png', filename: 'a.png', content: bytes }],
    })
    await genesys.control.idle()
    const event = bridge.envelopes.find((e) => e.event.type === 'message.created')!.event
    const url = event.type === 'message.created' ? event.message.attachments[0]!.url : ''
    const downloaded = await client.download!(url, {
      idempotencyKey: 'd-1',
      log: silentLog,
      maxBytes: 1000,
    })
    expect(Buffer.from(downloaded.data).equals(bytes)).toBe(true)
    expect(downloaded.mediaType).toBe('image/png')
    await expect(
      client.download!(url, { idempotencyKey: 'd-2', log: silentLog, maxBytes: 5 }),
    ).rejects.toThrow(PolicyRefusedError)
  })

  it('refuses to download from a host outside attachmentHosts', async () => {
    await expect(
      client.download!('https://attacker.example.com/api/v2/downloads/x', {
        idempotencyKey: 'd-3',
        log: silentLog,
        maxBytes: 1000,
      }),
    ).rejects.toThrow(PolicyRefusedError)
  })

  it('gives a duplicated delivery the same dedupe key', async () => {
    genesys.control.outboundFault({ kind: 'duplicate' })
    await genesys.control.agentSends({
      integrationId: OM_INTEGRATION_ID,
      toId: to.key,
      text: 'twice',
    })
    await genesys.control.idle()
    const keys = bridge.envelopes
      .filter((e) => e.event.type === 'message.created')
      .map((e) => e.dedupeKey)
    expect(keys).toHaveLength(2)
    expect(new Set(keys).size).toBe(1)
  })

  it('refuses webhooks signed with a token the bridge does not hold', async () => {
    genesys.control.rotateWebhookToken(OM_INTEGRATION_ID, 'a-token-the-bridge-never-saw')
    await genesys.control.agentSends({
      integrationId: OM_INTEGRATION_ID,
      toId: to.key,
      text: 'forged?',
    })
    await genesys.control.idle()
    expect(bridge.envelopes.some((e) => e.event.type === 'message.created')).toBe(false)
    expect(bridge.refused.every((name) => name === 'AuthenticationError')).toBe(true)
    expect(bridge.refused.length).toBeGreaterThan(0)
  })
})

describe('webhook secret rotation', () => {
  it('accepts the previous token while the rotation window is open', async () => {
    await start({
      webhookSecretName: 'genesys-webhook-secret-next',
      previousWebhookSecretName: 'genesys-webhook-secret',
      previousWebhookSecretValidUntil: new Date(Date.now() + 60_000).toISOString(),
    })
    await genesys.control.agentSends({
      integrationId: OM_INTEGRATION_ID,
      toId: to.key,
      text: 'old token',
    })
    await genesys.control.idle()
    genesys.control.rotateWebhookToken(OM_INTEGRATION_ID, 'the-next-webhook-token-0123')
    await genesys.control.agentSends({
      integrationId: OM_INTEGRATION_ID,
      toId: to.key,
      text: 'new token',
    })
    await genesys.control.idle()
    const texts = bridge.envelopes.flatMap((e) =>
      e.event.type === 'message.created' ? [e.event.message.text] : [],
    )
    expect(texts).toEqual(['old token', 'new token'])
    expect(bridge.refused).toEqual([])
  })

  it('refuses the previous token after the rotation window', async () => {
    await start({
      webhookSecretName: 'genesys-webhook-secret-next',
      previousWebhookSecretName: 'genesys-webhook-secret',
      previousWebhookSecretValidUntil: new Date(Date.now() - 1000).toISOString(),
    })
    await genesys.control.agentSends({
      integrationId: OM_INTEGRATION_ID,
      toId: to.key,
      text: 'old token',
    })
    await genesys.control.idle()
    expect(bridge.envelopes).toEqual([])
    expect(bridge.refused[0]).toBe('AuthenticationError')
  })
})
