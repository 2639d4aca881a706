import { readFileSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import { AuthenticationError, ConfigError, InvalidInputError } from '../../../core/errors.ts'
import { integrationId } from '../../../core/model/ids.ts'
import type { Integration } from '../../../core/model/integration.ts'
import type { RawRequest } from '../../../core/ports/connector.ts'
import { signBody } from './signature.ts'
import { genesysOutboundWebhook } from './webhook.ts'

const secrets = new Map([
  ['genesys-webhook', 'current-secret-0123456789'],
  ['genesys-webhook-old', 'previous-secret-0123456789'],
])
const secretSource = {
  get: async (name: string) => {
    const value = secrets.get(name)
    if (value === undefined) throw new Error(`no secret ${name}`)
    return value
  },
  reload: async (name: string) => secrets.get(name)!,
}

const rotationEnds = '2026-05-01T12:00:00.000Z'
let nowMs = Date.parse(rotationEnds) - 1000
const clock = {
  now: () => new Date(nowMs),
  nowMs: () => nowMs,
  sleep: async () => {},
}

const integration = (settings: Record<string, unknown> = {}): Integration => ({
  id: integrationId('int-1'),
  kind: 'genesys-open-messaging',
  name: 'Genesys',
  enabled: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  settings: {
    openMessagingIntegrationId: '6685901b-6d0e-43db-95ff-d64406e9dce2',
    clientId: 'client-1',
    clientSecretName: 'genesys-client',
    webhookSecretName: 'genesys-webhook',
    previousWebhookSecretName: 'genesys-webhook-old',
    previousWebhookSecretValidUntil: rotationEnds,
    ...settings,
  },
})

const body = readFileSync(new URL('./fixtures/outbound-agent-attachment.json', import.meta.url))
const request = (signature: string | undefined, rawBody: Buffer = body): RawRequest => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
  query: {},
  rawBody,
  url: 'https://bridge.example.com/webhooks/genesys-open-messaging/int-1/outbound',
})

const route = genesysOutboundWebhook({ secrets: secretSource, clock })

describe('genesysOutboundWebhook', () => {
  it('is mounted at /outbound', () => {
    expect(route.path).toBe('/outbound')
  })

  it('accepts a body signed with the current secret', async () => {
    await expect(
      route.verify(request(signBody(body, 'current-secret-0123456789')), integration()),
    ).resolves.toBeUndefined()
  })

  it('rejects a missing signature', async () => {
    await expect(route.verify(request(undefined), integration())).rejects.toThrow(
      AuthenticationError,
    )
  })

  it('rejects a wrong signature', async () => {
    await expect(
      route.verify(request(signBody(body, 'someone-elses-secret-0000')), integration()),
    ).rejects.toThrow(AuthenticationError)
  })

  it('rejects a signature of another body', async () => {
    const signature = signBody(Buffer.from('{}'), 'current-secret-0123456789')
    await expect(route.verify(request(signature), integration())).rejects.toThrow(
      AuthenticationError,
    )
  })

  it('accepts the previous secret until the rotation ends, and not after', async () => {
    const signature = signBody(body, 'previous-secret-0123456789')
    nowMs = Date.parse(rotationEnds) - 1
    await expect(route.verify(request(signature), integration())).resolves.toBeUndefined()
    nowMs = Date.parse(rotationEnds)
    await expect(route.verify(request(signature), integration())).rejects.toThrow(
      AuthenticationError,
    )
  })

  it('ignores the previous secret when no end of rotation is set', async () => {
    nowMs = Date.parse(rotationEnds) - 1000
    const settings = integration({ previousWebhookSecretValidUntil: undefined })
    const signature = signBody(body, 'previous-secret-0123456789')
    await expect(route.verify(request(signature), settings)).rejects.toThrow(AuthenticationError)
  })

  it('reports broken integration settings as a config error', async () => {
    const signature = signBody(body, 'current-secret-0123456789')
    await expect(
      route.verify(request(signature), integration({ webhookSecretName: '' })),
    ).rejects.toThrow(ConfigError)
  })

  it('parses the verified body into envelopes', async () => {
    const envelopes = await route.parse(request(undefined), integration())
    expect(envelopes.map((e) => [e.dedupeKey, e.event.type, e.address.key])).toEqual([
      ['genesys:8085cbb3f778c34de0bd14c5318ec44c', 'message.created', '33633081329'],
    ])
  })

  it('rejects a malformed body with InvalidInputError', async () => {
    await expect(
      route.parse(request(undefined, Buffer.from('{"type":"Text"}')), integration()),
    ).rejects.toThrow(InvalidInputError)
  })
})
