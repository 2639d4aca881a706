import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { isBridgeError } from '../../src/core/errors.ts'
import type { InboundEnvelope } from '../../src/core/events.ts'
import type { Integration } from '../../src/core/model/integration.ts'
import type { WebhookRoute } from '../../src/core/ports/connector.ts'

export interface WebhookEndpoint {
  /** The server's base URL; it answers on any path. */
  readonly url: string
  readonly envelopes: InboundEnvelope[]
  /** The names of the errors requests were refused with (AuthenticationError, …). */
  readonly refused: string[]
  close(): Promise<void>
}

/**
 * The bridge's webhook edge in miniature, over real HTTP: runs a WebhookRoute as src/http does
 * (verify, then parse) and answers 202, or 401/400 by error class (500 for any other error).
 * Enough for an emulator to call.
 */
export async function startWebhookEndpoint(
  route: WebhookRoute,
  integration: Integration,
): Promise<WebhookEndpoint> {
  const envelopes: InboundEnvelope[] = []
  const refused: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const headers: Record<string, string | undefined> = {}
      for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v[0] : v
      const raw = {
        method: req.method ?? 'POST',
        headers,
        query: {},
        rawBody: Buffer.concat(chunks),
        url: `http://${req.headers.host}${req.url}`,
      }
      route
        .verify(raw, integration)
        .then(() => route.parse(raw, integration))
        .then((parsed) => {
          envelopes.push(...parsed)
          res.writeHead(202).end()
        })
        .catch((error: unknown) => {
          refused.push(error instanceof Error ? error.name : String(error))
          const status = isBridgeError(error) && error.code === 'AUTH_FAILED' ? 401 : 400
          res.writeHead(isBridgeError(error) ? status : 500).end()
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    envelopes,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
