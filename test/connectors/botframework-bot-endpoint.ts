import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { isBridgeError } from '../../src/core/errors.ts'
import type { InboundEnvelope } from '../../src/core/events.ts'
import type { Integration } from '../../src/core/model/integration.ts'
import type { WebhookRoute } from '../../src/core/ports/connector.ts'

export interface BotEndpoint {
  readonly url: string
  readonly envelopes: InboundEnvelope[]
  readonly refusals: string[]
  close(): Promise<void>
}

/**
 * A bare HTTP server that runs a WebhookRoute the way the edge does (verify, then parse) and
 * answers 202, or 401/400 by error class: enough for the Bot Framework emulator to call.
 */
export async function startBotEndpoint(
  route: WebhookRoute,
  integration: Integration,
): Promise<BotEndpoint> {
  const envelopes: InboundEnvelope[] = []
  const refusals: string[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const headers: Record<string, string> = {}
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v
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
          refusals.push(error instanceof Error ? error.message : String(error))
          const status = isBridgeError(error) && error.code === 'AUTH_FAILED' ? 401 : 400
          res.writeHead(isBridgeError(error) ? status : 500).end()
        })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    envelopes,
    refusals,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
