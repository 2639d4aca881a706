import { createServer, type IncomingHttpHeaders } from 'node:http'

import { EmulatorClock } from '../kit/clock.ts'
import { emulatorFetch } from '../kit/tls-fetch.ts'
import { type IdentityEmulator, startIdentityEmulator } from '../microsoft-identity/index.ts'
import { type BotFrameworkEmulator, startBotFrameworkEmulator } from './index.ts'

export const TENANT = '66666666-2222-3333-4444-555555555555'
export const BOT = { appId: 'b0700001-0000-0000-0000-000000000001', secret: 'bot~secret' }
export const OTHER_APP = { appId: 'b0700002-0000-0000-0000-000000000002', secret: 'other~secret' }
export const USER = {
  id: '29:1user-adele',
  aadObjectId: '77777777-0000-0000-0000-000000000001',
  name: 'Adele Vance',
  tenantId: TENANT,
  userPrincipalName: 'adele@contoso.example',
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders
  body: Record<string, unknown>
}

/** A bot endpoint on port 0 that records what the channel posts and answers `status()`. */
export async function startBotEndpoint(status: (req: ReceivedRequest) => Promise<number> | number) {
  const received: ReceivedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const entry = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) }
      received.push(entry)
      void Promise.resolve(status(entry)).then((code) => res.writeHead(code).end())
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

export interface Harness {
  clock: EmulatorClock
  identity: IdentityEmulator
  teams: BotFrameworkEmulator
  endpoint: Awaited<ReturnType<typeof startBotEndpoint>>
  close(): Promise<void>
}

export async function startHarness(
  botStatus: (req: ReceivedRequest) => Promise<number> | number = () => 200,
  onBotActivity?: (conversationId: string, activity: unknown) => void,
): Promise<Harness> {
  const clock = new EmulatorClock()
  const identity = await startIdentityEmulator({
    clock,
    apps: [
      { ...BOT, tenantId: TENANT },
      { ...OTHER_APP, tenantId: TENANT },
    ],
  })
  const endpoint = await startBotEndpoint(botStatus)
  const teams = await startBotFrameworkEmulator({
    clock,
    identity,
    bots: [{ appId: BOT.appId, endpoint: endpoint.url, name: 'Contoso Care' }],
    ...(onBotActivity ? { onBotActivity } : {}),
  })
  return {
    clock,
    identity,
    teams,
    endpoint,
    close: async () => {
      await teams.close()
      await endpoint.close()
      await identity.close()
    },
  }
}

/** A client-credentials token from the identity emulator, as a bot gets it. */
export async function botToken(
  identity: IdentityEmulator,
  app = BOT,
  scope = 'https://api.botframework.com/.default',
): Promise<string> {
  const res = await emulatorFetch(`${identity.url}/botframework.com/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.appId,
      client_secret: app.secret,
      scope,
    }).toString(),
  })
  const body = (await res.json()) as { access_token: string }
  return body.access_token
}
