import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

import { type GenesysEmulator, startGenesysEmulator } from './index.ts'
import type { GenesysSeed } from './types.ts'

/** Helpers for tests that drive the Genesys emulator over real HTTP (also usable by bridge tests). */

export const TEST_INTEGRATION_ID = '1f7a1c52-7b0c-4a3c-9d9b-6a2a0c1e5f10'
export const TEST_WEBHOOK_TOKEN = 'test-webhook-token-0123456789'

export function testSeed(webhookUrl: string, extra: Partial<GenesysSeed> = {}): GenesysSeed {
  return {
    orgs: [{ id: 'org-a' }, { id: 'org-b' }, ...(extra.orgs ?? [])],
    clients: [
      { clientId: 'client-a', clientSecret: 'secret-a', orgId: 'org-a' },
      { clientId: 'client-b', clientSecret: 'secret-b', orgId: 'org-b' },
      ...(extra.clients ?? []),
    ],
    integrations: [
      {
        id: TEST_INTEGRATION_ID,
        orgId: 'org-a',
        name: 'Test integration',
        outboundNotificationWebhookUrl: webhookUrl,
        webhookToken: TEST_WEBHOOK_TOKEN,
      },
      ...(extra.integrations ?? []),
    ],
    agents: [{ id: 'agent-1', orgId: 'org-a', name: 'Ana' }, ...(extra.agents ?? [])],
    queues: [{ id: 'queue-1', orgId: 'org-a', name: 'Support' }, ...(extra.queues ?? [])],
  }
}

export async function getToken(
  url: string,
  clientId = 'client-a',
  secret = 'secret-a',
): Promise<string> {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
  if (response.status !== 200) throw new Error(`token request failed: ${response.status}`)
  return ((await response.json()) as { access_token: string }).access_token
}

/** A webhook URL nothing listens on, for tests that never look at outbound webhooks. */
export const UNREACHABLE_HOOK = 'http://127.0.0.1:9/hook'

/** Starts an emulator with `seed` and takes a token for the seed's first OAuth client. */
export async function startWithToken(
  seed: GenesysSeed = testSeed(UNREACHABLE_HOOK),
): Promise<{ genesys: GenesysEmulator; token: string }> {
  const genesys = await startGenesysEmulator({ seed })
  return { genesys, token: await getToken(genesys.url) }
}

export function postJson(url: string, token: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

export function inboundMessage(fromId: string, text: string, extra: Record<string, unknown> = {}) {
  return {
    channel: {
      messageId: `m-${Math.random().toString(16).slice(2)}`,
      from: { id: fromId, idType: 'Opaque', nickname: 'Customer' },
      time: '2024-05-01T13:01:14.462Z',
    },
    text,
    ...extra,
  }
}

export const inboundPath = (
  url: string,
  kind: 'message' | 'event' | 'receipt',
  id = TEST_INTEGRATION_ID,
) => `${url}/api/v2/conversations/messages/${id}/inbound/open/${kind}`

/**
 * Sends one inbound message with `prefetchConversationId=true`; throws unless Genesys took it.
 * Returns Genesys' answer (its message id, the conversation) and the `channel.messageId` sent.
 */
export async function sendPrefetched(
  genesysUrl: string,
  token: string,
  fromId: string,
  text: string,
) {
  const body = inboundMessage(fromId, text)
  const url = `${inboundPath(genesysUrl, 'message')}?prefetchConversationId=true`
  const response = await postJson(url, token, body)
  if (response.status !== 200) {
    throw new Error(`inbound message answered ${response.status}: ${await response.text()}`)
  }
  const answer = (await response.json()) as { id: string; conversationId: string }
  return { ...answer, channelMessageId: body.channel.messageId }
}

export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders
  readonly raw: Buffer
}

/**
 * A bridge stand-in: records each webhook POST. `respond(n)` picks the status of the n-th request
 * (0-based); `'hang'` never answers (the sender's timeout fires).
 */
export async function startWebhookReceiver(respond: (n: number) => number | 'hang' = () => 200) {
  const requests: ReceivedWebhook[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const n = requests.length
      requests.push({ headers: req.headers, raw: Buffer.concat(chunks) })
      const status = respond(n)
      if (status === 'hang') return
      res.writeHead(status).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/genesys/webhook`,
    requests,
    bodies: () =>
      requests.map((r) => JSON.parse(r.raw.toString('utf8')) as Record<string, unknown>),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
