import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import type { GenesysEmulator } from './index.ts'
import { postJson, startWithToken, testSeed, UNREACHABLE_HOOK } from './test-helpers.ts'

const AVAILABLE = '6a3af858-942f-489d-9700-5f9bcdcdae9b'
const ON_QUEUE = 'e08eaf1b-ee47-4fa9-a231-1200e284798f'

let genesys: GenesysEmulator
let token: string

beforeAll(async () => {
  ;({ genesys, token } = await startWithToken(
    testSeed(UNREACHABLE_HOOK, {
      agents: [{ id: 'agent-b', orgId: 'org-b', name: 'Bo' }],
    }),
  ))
})
afterAll(() => genesys.close())

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${genesys.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  })

describe('presence', () => {
  test('lists the system presence definitions in display form', async () => {
    const listing = (await (await api('GET', '/api/v2/presencedefinitions')).json()) as {
      entities: { id: string; systemPresence: string }[]
    }
    expect(listing.entities).toContainEqual(
      expect.objectContaining({ id: ON_QUEUE, systemPresence: 'On Queue' }),
    )
  })

  test('reads and patches a user presence', async () => {
    const initial = (await (
      await api('GET', '/api/v2/users/agent-1/presences/purecloud')
    ).json()) as {
      presenceDefinition: { systemPresence: string }
    }
    expect(initial.presenceDefinition.systemPresence).toBe('Offline')
    const patched = await api('PATCH', '/api/v2/users/agent-1/presences/purecloud', {
      presenceDefinition: { id: AVAILABLE },
      primary: true,
    })
    expect(patched.status).toBe(200)
    expect(await patched.json()).toMatchObject({
      source: 'PURECLOUD',
      primary: true,
      presenceDefinition: { id: AVAILABLE, systemPresence: 'Available' },
    })
    expect(genesys.control.presenceChanges()).toEqual([
      expect.objectContaining({
        userId: 'agent-1',
        presenceDefinitionId: AVAILABLE,
        primary: true,
      }),
    ])
  })

  test.each([
    [{}, 'body'],
    [{ presenceDefinition: { id: 'no-such-definition' } }, 'presenceDefinition.id'],
    [{ primary: false }, 'primary'],
  ])('PATCH %j → 400', async (body, field) => {
    const response = await api('PATCH', '/api/v2/users/agent-1/presences/purecloud', body)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toContain(field)
  })

  test('unknown users, users of another org and foreign sources are 404', async () => {
    for (const path of [
      '/api/v2/users/ghost/presences/purecloud',
      '/api/v2/users/agent-b/presences/purecloud',
      '/api/v2/users/agent-1/presences/zoom',
    ])
      expect((await api('GET', path)).status).toBe(404)
  })
})

describe('ACD email', () => {
  const email = {
    queueId: 'queue-1',
    provider: 'cx-bridge',
    fromAddress: 'customer@example.com',
    fromName: 'Customer',
    toAddress: 'support@example.com',
    subject: 'Help',
    textBody: 'My order is late',
    attributes: { teamsChat: '19:abc' },
  }

  test('creates an inbound email conversation routed to the queue', async () => {
    const response = await postJson(`${genesys.url}/api/v2/conversations/emails`, token, email)
    expect(response.status).toBe(200)
    const conversation = (await response.json()) as {
      id: string
      participants: { purpose: string }[]
    }
    expect(conversation.participants.map((p) => p.purpose)).toEqual(['customer', 'acd'])
    expect(genesys.control.emails()).toEqual([
      expect.objectContaining({ conversationId: conversation.id }),
    ])
  })

  test.each([
    [{ provider: undefined }, 'provider'],
    [{ provider: 'PureCloud Email' }, 'provider'],
    [{ queueId: undefined }, 'queueId'],
    [{ flowId: 'flow-1' }, 'queueId'],
    [{ queueId: 'queue-of-nobody' }, 'queueId'],
    [{ fromAddress: undefined }, 'fromAddress'],
    [{ externalContactId: 'c-1' }, 'externalContactId'],
    [{ attachments: [{ name: 'a.pdf' }] }, 'attachments'],
    [{ direction: 'SIDEWAYS' }, 'direction'],
  ])('%j → 400', async (change, field) => {
    const response = await postJson(`${genesys.url}/api/v2/conversations/emails`, token, {
      ...email,
      ...change,
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as { message: string }).message).toContain(field)
  })
})
