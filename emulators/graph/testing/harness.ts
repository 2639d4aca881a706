import { EmulatorClock } from '../../kit/clock.ts'
import { type GraphEmulator, type GraphEmulatorOptions, startGraphEmulator } from '../index.ts'
import { createFakeIdentity, type FakeIdentity } from './fake-identity.ts'

export const TENANT = '84bd8158-6d4d-4958-8b9f-9d6445542f95'
export const APP = '8e460676-ae3f-4b1e-8790-ee0fb5d6148f'
export const ALICE = {
  id: '8ea0e38b-efb3-4757-924a-5f94061cf8c2',
  displayName: 'Alice Kline',
  userPrincipalName: 'alice@contoso.com',
}
export const BOB = {
  id: '28c10244-4bad-4fda-993c-f332faef94f0',
  displayName: 'Bob Vance',
  userPrincipalName: 'bob@contoso.com',
}
export const SERVICE = {
  id: 'f5d48856-5b42-41a0-8c3a-c5f944b679b0',
  displayName: 'Service Desk',
  userPrincipalName: 'desk@contoso.com',
}

export interface Harness {
  graph: GraphEmulator
  clock: EmulatorClock
  ids: FakeIdentity
  chatId: string
  appToken: string
  /** A delegated token of the service account (a chat member). */
  serviceToken: string
  call(
    method: string,
    path: string,
    opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>
}

/** A Graph emulator with Alice, Bob and a service account, and a group chat of all three. */
export async function startHarness(extra: Partial<GraphEmulatorOptions> = {}): Promise<Harness> {
  const clock = new EmulatorClock()
  const ids = await createFakeIdentity()
  const graph = await startGraphEmulator({
    identity: ids.identity,
    tenantId: TENANT,
    clock,
    users: [ALICE, BOB, SERVICE],
    ...extra,
  })
  const chat = graph.control.addChat({
    memberIds: [ALICE.id, BOB.id, SERVICE.id],
    topic: 'Support',
  })
  const appToken = await ids.appToken(APP, TENANT)
  const serviceToken = await ids.userToken(APP, TENANT, SERVICE.id)
  return {
    graph,
    clock,
    ids,
    chatId: chat.id,
    appToken,
    serviceToken,
    call: (method, path, opts = {}) => {
      const token = opts.token === undefined ? appToken : opts.token
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
