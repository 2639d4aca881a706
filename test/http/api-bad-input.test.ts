import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type ApiHarness, as, startApiHarness } from './api-harness.ts'

const DAY = 86_400_000

interface Case {
  readonly name: string
  readonly method: 'GET' | 'POST' | 'PATCH'
  readonly url: string
  readonly payload?: unknown
  /** The field the problem must name. */
  readonly field: string
}

/** Every refusal is a 400 problem naming the field, and changes nothing. */
describe('admin API: bad input answers 400 naming the field', () => {
  let h: ApiHarness
  let key: string
  let id: string
  let contactsCursor: string
  let descCursor: string
  beforeAll(async () => {
    h = await startApiHarness()
    ;({ key } = await h.account('Acme'))
    const bots = []
    for (let i = 0; i < 3; i++) {
      const res = await h.inject(
        as(key, {
          method: 'POST',
          url: '/api/v1/integrations',
          payload: { kind: 'microsoft-teams-bot', name: `bot ${i}`, settings: { responder: 'r' } },
        }),
      )
      bots.push((res.json() as { id: string }).id)
    }
    id = bots[0]!
    const list = await h.inject(as(key, { method: 'GET', url: '/api/v1/integrations?take=1' }))
    descCursor = (list.json() as { cursor: string }).cursor
    for (let i = 0; i < 2; i++) {
      await h.store.contacts.upsert({
        integrationId: id as never,
        tenantId: 't',
        aadObjectId: `o${i}`,
        seenAt: new Date(),
      })
    }
    const contacts = await h.inject(
      as(key, { method: 'GET', url: `/api/v1/integrations/${id}/contacts?take=1` }),
    )
    contactsCursor = (contacts.json() as { cursor: string }).cursor
  })
  afterAll(() => h?.close())

  const bot = (settings: object, top: object = {}) => ({
    kind: 'microsoft-teams-bot',
    name: 'bot',
    settings: { responder: 'r', ...settings },
    ...top,
  })
  const post = (name: string, payload: unknown, field: string): Case => ({
    name,
    method: 'POST',
    url: '/api/v1/integrations',
    payload,
    field,
  })
  const patch = (name: string, payload: unknown, field: string): Case => ({
    name,
    method: 'PATCH',
    url: `/api/v1/integrations/${id}`,
    payload,
    field,
  })
  const list = (name: string, query: string, field: string, path = ''): Case => ({
    name,
    method: 'GET',
    url: `/api/v1/integrations${path}?${query}`,
    field,
  })

  const cases = (): Case[] => [
    // Unknown fields
    post('unknown top-level field', bot({}, { owner: 'me' }), 'owner'),
    post('unknown setting', bot({ colour: 'blue' }), 'settings.colour'),
    post(
      'a secret name instead of a value',
      bot({ appSecretName: 'env:HOME' }),
      'settings.appSecretName',
    ),
    post('unknown kind', bot({}, { kind: 'slack' }), 'kind'),
    patch('kind cannot change', { kind: 'microsoft-teams' }, 'kind'),
    patch('unknown setting in an update', { settings: { colour: 'blue' } }, 'settings.colour'),
    patch(
      'a secret name in an update',
      { settings: { appSecretName: 'file:/etc/passwd' } },
      'settings.appSecretName',
    ),
    // Wrong types
    post('name not a string', bot({}, { name: 5 }), 'name'),
    post(
      'settings not an object',
      { kind: 'microsoft-teams-bot', name: 'x', settings: [] },
      'settings',
    ),
    post('enabled as a string', bot({}, { enabled: 'true' }), 'enabled'),
    post('stream as a string', bot({ stream: 'yes' }), 'settings.stream'),
    post('secret as a number', bot({ appSecret: 42 }), 'settings.appSecret'),
    post('allowFrom as a string', bot({ allowFrom: 'everyone' }), 'settings.allowFrom'),
    post(
      'allowFrom entry of no known form',
      bot({ allowFrom: ['everyone'] }),
      'settings.allowFrom.0',
    ),
    post('app id not a GUID', bot({ appId: 'my-bot' }), 'settings.appId'),
    post('meta value a number', bot({}, { meta: { a: 1 } }), 'meta.a'),
    patch('description a number', { description: 7 }, 'description'),
    patch('required setting cleared', { settings: { responder: null } }, 'settings.responder'),
    // Over-long strings
    post('name over 200', bot({}, { name: 'n'.repeat(201) }), 'name'),
    post('description over 2000', bot({}, { description: 'd'.repeat(2001) }), 'description'),
    post('responder over 100', bot({ responder: 'r'.repeat(101) }), 'settings.responder'),
    post('secret over 8192', bot({ appSecret: 's'.repeat(8193) }), 'settings.appSecret'),
    post(
      'URL over 2048',
      bot({ openIdMetadataUrl: `https://x.example/${'p'.repeat(2100)}` }),
      'settings.openIdMetadataUrl',
    ),
    post(
      'host over 253',
      bot({ serviceUrlHosts: ['h'.repeat(254)] }),
      'settings.serviceUrlHosts.0',
    ),
    post('meta value over 512', bot({}, { meta: { a: 'v'.repeat(513) } }), 'meta.a'),
    // Hosts credentials would be sent to
    post(
      'authority not Microsoft’s',
      bot({ authorityHost: 'https://login.evil.example' }),
      'settings.authorityHost',
    ),
    post(
      'Genesys login host not Genesys’',
      {
        kind: 'genesys-open-messaging',
        name: 'g',
        settings: {
          openMessagingIntegrationId: 'om',
          loginBaseUrl: 'https://10.0.0.1',
          clientId: 'c',
          clientSecret: 's',
          webhookSecret: 'w',
        },
      },
      'settings.loginBaseUrl',
    ),
    // Session durations
    post(
      'session over a month',
      bot({ sessionDurationMs: 31 * DAY + 1 }),
      'settings.sessionDurationMs',
    ),
    patch(
      'session over a month in an update',
      { settings: { sessionDurationMs: 32 * DAY } },
      'settings.sessionDurationMs',
    ),
    post(
      'session under a minute',
      bot({ sessionDurationMs: 59_999 }),
      'settings.sessionDurationMs',
    ),
    post('session not whole', bot({ sessionDurationMs: 90_000.5 }), 'settings.sessionDurationMs'),
    // Pages
    list('made-up cursor', 'cursor=bm90LWEtY3Vyc29y', 'cursor'),
    list('cursor with symbols', 'cursor=%7B%7D', 'cursor'),
    list('cursor over 512', `cursor=${'a'.repeat(513)}`, 'cursor'),
    list('cursor of another order', `order=asc&cursor=${descCursor}`, 'cursor'),
    list('take 0', 'take=0', 'take'),
    list('take over 100', 'take=101', 'take'),
    list('take not a number', 'take=ten', 'take'),
    list('take twice', 'take=1&take=2', 'take'),
    list('order unknown', 'order=random', 'order'),
    // Meta filters
    list('unknown parameter', 'owner=me', 'owner'),
    list('meta without a key', 'meta=eu', 'meta'),
    list('nested meta filter', 'meta[a][b]=x', 'meta[a][b]'),
    list('meta key with spaces', 'meta[a%20b]=x', 'meta[a b]'),
  ]

  it('refuses every case with a problem naming the field, and stores nothing', async () => {
    const before = await h.store.integrations.list()
    for (const c of cases()) {
      const res = await h.inject(
        as(key, {
          method: c.method,
          url: c.url,
          ...(c.payload !== undefined && { payload: c.payload as object }),
        }),
      )
      expect(res.statusCode, `${c.name}: ${res.body}`).toBe(400)
      expect(res.headers['content-type'], c.name).toMatch(/^application\/problem\+json/)
      const problem = res.json() as { code: string; detail: string; details: { field: string } }
      expect(problem.code, c.name).toBe('INPUT_INVALID')
      expect(problem.details.field, `${c.name}: ${res.body}`).toBe(c.field)
      expect(problem.detail, c.name).toContain(c.field)
    }
    expect(await h.store.integrations.list()).toEqual(before)
  })

  it('refuses a cursor of another list and unknown parameters on contacts and events', async () => {
    const wrongList = await h.inject(
      as(key, { method: 'GET', url: `/api/v1/integrations?cursor=${contactsCursor}` }),
    )
    expect(wrongList.statusCode).toBe(400)
    expect(wrongList.json()).toMatchObject({ details: { field: 'cursor' } })
    for (const sub of ['contacts', 'events']) {
      const res = await h.inject(
        as(key, { method: 'GET', url: `/api/v1/integrations/${id}/${sub}?meta[a]=b` }),
      )
      expect(res.statusCode, res.body).toBe(400)
      expect(res.json()).toMatchObject({ details: { field: 'meta[a]' } })
    }
    const badId = await h.inject(
      as(key, { method: 'GET', url: '/api/v1/integrations/not%20an%20id' }),
    )
    expect(badId.statusCode).toBe(400)
    expect(badId.json()).toMatchObject({ details: { field: 'id' } })
  })

  it('answers bodies that are not JSON objects with 4xx problems, never 5xx', async () => {
    for (const [payload, contentType] of [
      ['{"kind":', 'application/json'],
      ['kind=x', 'application/x-www-form-urlencoded'],
      ['[]', 'application/json'],
      ['null', 'application/json'],
    ] as const) {
      const res = await h.inject(
        as(key, {
          method: 'POST',
          url: '/api/v1/integrations',
          payload,
          headers: { 'content-type': contentType },
        }),
      )
      expect(res.statusCode, payload).toBeGreaterThanOrEqual(400)
      expect(res.statusCode, payload).toBeLessThan(500)
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    }
  })
})
