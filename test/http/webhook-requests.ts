import { randomUUID } from 'node:crypto'

import type { InjectOptions } from 'fastify'

import { hubSignature } from '../../emulators/genesys/index.ts'
import type { Sandbox } from '../../src/app/sandbox.ts'
import { type WebhookName, WEBHOOKS } from './webhook-harness.ts'

export const BOT_CONNECTOR_ISSUER = 'https://api.botframework.com'

/** A Teams user of the demo tenant as the Bot Framework emulator's actor takes it. */
export function botUser(
  s: Sandbox,
  name: string = s.demo.customer.displayName,
  aadObjectId: string = s.demo.customer.id,
) {
  return { id: `29:${aadObjectId}`, aadObjectId, name, tenantId: s.demo.tenantId }
}

/** A basic Graph change notification about a message of the demo chat. */
export function graphNotification(s: Sandbox, overrides: Record<string, unknown> = {}) {
  const messageId = String(Date.now())
  return {
    value: [
      {
        subscriptionId: s.graph.control.subscriptions()[0]?.['id'] ?? randomUUID(),
        subscriptionExpirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
        changeType: 'created',
        clientState: s.demo.clientState,
        resource: `chats('${s.demo.chatId}')/messages('${messageId}')`,
        resourceData: {
          id: messageId,
          '@odata.type': '#Microsoft.Graph.chatMessage',
          '@odata.id': `chats('${s.demo.chatId}')/messages('${messageId}')`,
        },
        tenantId: s.demo.tenantId,
        ...overrides,
      },
    ],
  }
}

/** A Teams message activity as the Connector posts it to the demo bot. */
export function botActivity(s: Sandbox, overrides: Record<string, unknown> = {}) {
  const user = botUser(s)
  return {
    type: 'message',
    id: String(Date.now()),
    timestamp: new Date().toISOString(),
    serviceUrl: s.botframework.serviceUrl,
    channelId: 'msteams',
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    conversation: {
      conversationType: 'personal',
      tenantId: user.tenantId,
      id: `a:${randomUUID()}`,
    },
    recipient: { id: `28:${s.demo.botApp.appId}`, name: 'Contoso Support' },
    textFormat: 'plain',
    text: 'hello from a hand-made activity',
    channelData: { tenant: { id: user.tenantId } },
    ...overrides,
  }
}

/** The Connector's claims for the demo bot, signed with the emulator's Bot Framework key. */
export async function botToken(
  s: Sandbox,
  claims: Record<string, unknown> = {},
  expiresInSeconds = 3600,
): Promise<string> {
  return s.identity.signJwt(
    {
      iss: BOT_CONNECTOR_ISSUER,
      aud: s.demo.botApp.appId,
      serviceurl: s.botframework.serviceUrl,
      ...claims,
    },
    { keySet: 'botframework', expiresInSeconds },
  )
}

/** A text message from the demo agent, as Genesys posts it to the outbound webhook. */
export function genesysMessage(s: Sandbox, overrides: Record<string, unknown> = {}) {
  const id = randomUUID().replace(/-/g, '')
  return {
    id,
    channel: {
      id: s.demo.genesys.integrationId,
      platform: 'Open',
      type: 'Private',
      to: { id: randomUUID() as string },
      from: { nickname: 'cx-bridge sandbox', id: s.demo.genesys.integrationId, idType: 'Opaque' },
      time: new Date().toISOString(),
      messageId: id,
    },
    type: 'Text',
    text: 'Hello there!',
    originatingEntity: 'Human',
    direction: 'Outbound',
    ...overrides,
  }
}

export const genesysSignature = (s: Sandbox, body: string | Buffer) =>
  hubSignature(s.demo.genesys.webhookToken, body.toString())

/** A well-formed body for each webhook (valid enough to reach its parser). */
export function validBody(s: Sandbox, name: WebhookName): object {
  if (name === 'bot') return botActivity(s)
  if (name === 'genesys') return genesysMessage(s)
  return graphNotification(s)
}

/**
 * The credentials a genuine caller would add to `body`: a Connector token, or the HMAC over
 * the exact bytes. Graph's proof is the clientState inside the body.
 */
export async function genuineHeaders(
  s: Sandbox,
  name: WebhookName,
  body: string | Buffer,
): Promise<Record<string, string>> {
  if (name === 'bot') return { authorization: `Bearer ${await botToken(s)}` }
  if (name === 'genesys') return { 'x-hub-signature-256': genesysSignature(s, body) }
  return {}
}

/** A POST to a webhook with `body` as given and the caller's genuine credentials. */
export async function genuineRequest(
  s: Sandbox,
  name: WebhookName,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<InjectOptions> {
  return {
    method: 'POST',
    url: WEBHOOKS[name],
    payload: body,
    headers: {
      'content-type': 'application/json',
      ...(await genuineHeaders(s, name, body)),
      ...headers,
    },
  }
}
