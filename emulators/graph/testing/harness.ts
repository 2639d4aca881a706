import { createLocalJWKSet } from 'jose'

import { EmulatorClock } from '../../kit/clock.ts'
import { type IdentityEmulator, startIdentityEmulator } from '../../microsoft-identity/index.ts'
import { type GraphEmulator, type GraphEmulatorOptions, startGraphEmulator } from '../index.ts'
import { GRAPH, REDIRECT_URI, Tokens } from './tokens.ts'

export const TENANT = '84bd8158-6d4d-4958-8b9f-9d6445542f95'
export const OTHER_TENANT = '0f1e2d3c-4b5a-4697-8877-665544332211'
export const APP = '8e460676-ae3f-4b1e-8790-ee0fb5d6148f'
export const OTHER_APP = '11111111-2222-4333-8444-555555555555'
/** Registered in another tenant: its tokens carry that tenant's `tid`. */
export const FOREIGN_APP = '99999999-8888-4777-8666-555555555555'

const user = (id: string, displayName: string, upn: string) => ({
  id,
  displayName,
  upn,
  userPrincipalName: upn,
})
export const ALICE = user(
  '8ea0e38b-efb3-4757-924a-5f94061cf8c2',
  'Alice Kline',
  'alice@contoso.com',
)
export const BOB = user('28c10244-4bad-4fda-993c-f332faef94f0', 'Bob Vance', 'bob@contoso.com')
export const SERVICE = user(
  'f5d48856-5b42-41a0-8c3a-c5f944b679b0',
  'Service Desk',
  'desk@contoso.com',
)
/** A user of the tenant who is in no chat or team. */
export const OUTSIDER = user(
  'ffffffff-0000-4000-8000-000000000000',
  'Olga Outside',
  'olga@contoso.com',
)

const APPS = [APP, OTHER_APP, FOREIGN_APP].map((appId) => ({
  appId,
  secret: `secret-${appId.slice(0, 4)}`,
  tenantId: appId === FOREIGN_APP ? OTHER_TENANT : TENANT,
  redirectUris: [REDIRECT_URI],
  appRoles: { [GRAPH]: ['Chat.Read.All', 'ChannelMessage.Read.All', 'Files.Read.All'] },
}))

export interface Harness {
  graph: GraphEmulator
  idp: IdentityEmulator
  clock: EmulatorClock
  tokens: Tokens
  chatId: string
  /** The harness app's current application token. */
  appToken(): Promise<string>
  /** A delegated token of a user for the harness app. */
  userToken(who: { upn: string }): Promise<string>
  /** Verifies JWTs signed by the identity emulator (validationTokens). */
  jwks: ReturnType<typeof createLocalJWKSet>
  /** A delegated token of the service account (a chat member), made at start. */
  serviceToken: string
  call(
    method: string,
    path: string,
    opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>
}

/**
 * The identity emulator and a Graph emulator on one clock, with Alice, Bob, a service account
 * and a group chat of the three.
 */
export async function startHarness(extra: Partial<GraphEmulatorOptions> = {}): Promise<Harness> {
  const clock = new EmulatorClock()
  const users = [ALICE, BOB, SERVICE, OUTSIDER]
  const idp = await startIdentityEmulator({
    clock,
    apps: APPS,
    users: users.map((u) => ({
      id: u.id,
      displayName: u.displayName,
      upn: u.upn,
      tenantId: TENANT,
    })),
  })
  const graph = await startGraphEmulator({
    identity: idp,
    tenantId: TENANT,
    clock,
    users: [ALICE, BOB, SERVICE],
    ...extra,
  })
  const close = graph.close
  const harnessGraph: GraphEmulator = {
    ...graph,
    close: async () => {
      await close()
      await idp.close()
    },
  }
  const chat = graph.control.addChat({
    memberIds: [ALICE.id, BOB.id, SERVICE.id],
    topic: 'Support',
  })
  const tokens = new Tokens(idp, clock, APPS)
  const appToken = () => tokens.app(APP)
  return {
    graph: harnessGraph,
    idp,
    clock,
    tokens,
    chatId: chat.id,
    appToken,
    userToken: (who) => tokens.user(APP, who.upn),
    jwks: createLocalJWKSet(idp.control.jwks()),
    serviceToken: await tokens.user(APP, SERVICE.upn),
    call: async (method, path, opts = {}) => {
      const token = opts.token === undefined ? await appToken() : opts.token
      const headers: Record<string, string> = { ...opts.headers }
      if (token) headers.authorization = `Bearer ${token}`
      if (opts.body !== undefined) headers['content-type'] = 'application/json'
      return fetch(path.startsWith('http') ? path : `${graph.url}${path}`, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        redirect: 'manual',
      })
    },
  }
}

export const inMinutes = (clock: EmulatorClock, minutes: number) =>
  new Date(clock.nowMs() + minutes * 60_000).toISOString()

/** A valid `/chats/{id}/messages` subscription body for the harness chat, 50 minutes long. */
export const chatSubscription = (
  h: Harness,
  notificationUrl: string,
  overrides: Record<string, unknown> = {},
) => ({
  changeType: 'created',
  notificationUrl,
  resource: `/chats/${h.chatId}/messages`,
  expirationDateTime: inMinutes(h.clock, 50),
  ...overrides,
})
