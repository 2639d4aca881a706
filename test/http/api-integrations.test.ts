import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import {
  type IdentityEmulator,
  startIdentityEmulator,
} from '../../emulators/microsoft-identity/index.ts'
import type { IntegrationId } from '../../src/core/model/ids.ts'
import { type ApiHarness, as, startApiHarness } from './api-harness.ts'

const HOME = '0d1e2f30-0000-4000-8000-000000000001'
const OTHER = '0d1e2f30-0000-4000-8000-000000000002'
const BOT = {
  appId: 'b0b0b0b0-1111-4000-8000-000000000001',
  secret: 'bot~Secret~one',
  tenantId: HOME,
}
const SINGLE = {
  appId: 'b0b0b0b0-1111-4000-8000-000000000002',
  secret: 'single~Secret',
  tenantId: OTHER,
  signInAudience: 'AzureADMyOrg' as const,
}
const DAY = 86_400_000

interface Body {
  id: string
  name: string
  description: string | null
  enabled: boolean
  meta: Record<string, string>
  settings: Record<string, unknown>
  writeOnly: string[]
  setup: { status: string; problem?: string; reason?: string; field?: string } | null
}

describe('admin API: integrations', () => {
  let h: ApiHarness
  let idp: IdentityEmulator
  let acme: { id: string; key: string }
  beforeAll(async () => {
    idp = await startIdentityEmulator({ apps: [{ ...BOT }, { ...SINGLE }] })
    h = await startApiHarness({ trustedHosts: [new URL(idp.url).host] })
    acme = await h.account('Acme')
  })
  afterAll(async () => {
    await h?.close()
    await idp?.close()
  })

  const botSettings = (extra: Record<string, unknown> = {}) => ({
    responder: 'openai:helpdesk',
    appId: BOT.appId,
    appSecret: BOT.secret,
    authorityHost: idp.url,
    ...extra,
  })
  const create = (payload: object, key = acme.key) =>
    h.inject(as(key, { method: 'POST', url: '/api/v1/integrations', payload }))
  const patch = (id: string, payload: object, key = acme.key) =>
    h.inject(as(key, { method: 'PATCH', url: `/api/v1/integrations/${id}`, payload }))
  const get = (url: string, key = acme.key) => h.inject(as(key, { method: 'GET', url }))
  const newBot = async (extra: Record<string, unknown> = {}, top: object = {}) => {
    const res = await create({
      kind: 'microsoft-teams-bot',
      name: 'Support bot',
      settings: botSettings(extra),
      ...top,
    })
    expect(res.statusCode, res.body).toBe(201)
    return res.json() as Body
  }

  it('creates a Teams bot integration, checks its credentials, and never returns secret or tenant', async () => {
    const res = await create({
      kind: 'microsoft-teams-bot',
      name: 'Support bot',
      description: 'Answers IT questions',
      meta: { team: 'it', region: 'eu' },
      settings: botSettings({
        contactCollection: true,
        allowFrom: ['@contoso.example'],
        tenantId: '',
      }),
    })
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json() as Body
    expect(res.headers.location).toBe(`/api/v1/integrations/${body.id}`)
    expect(body).toMatchObject({
      name: 'Support bot',
      description: 'Answers IT questions',
      enabled: true,
      meta: { team: 'it', region: 'eu' },
      settings: {
        responder: 'openai:helpdesk',
        appId: BOT.appId,
        sessionDurationMs: DAY,
        stream: true,
        contactCollection: true,
        attachments: false,
        allowFrom: ['@contoso.example'],
      },
      writeOnly: ['appSecret'],
      setup: { status: 'ok' },
    })
    expect(res.body).not.toContain(BOT.secret)
    expect(res.body).not.toContain('appSecretName')
    const fetched = await get(`/api/v1/integrations/${body.id}`)
    expect(fetched.json()).toEqual(body)
    // The secret is kept encrypted, under a name the integration refers to.
    const stored = await h.store.integrations.get(body.id as IntegrationId)
    const name = stored!.settings.appSecretName as string
    expect(await h.secrets.get(name)).toBe(BOT.secret)
    expect(JSON.stringify(await h.store.state.list('secrets'))).not.toContain(BOT.secret)
  })

  it('updates only the given fields: meta merges, null clears tenant id and allowFrom', async () => {
    const bot = await newBot(
      { tenantId: HOME, allowFrom: ['tenant:' + HOME] },
      { meta: { a: '1', b: '2' }, description: 'd' },
    )
    expect(bot.writeOnly).toEqual(['appSecret', 'tenantId'])
    expect(bot.settings).not.toHaveProperty('tenantId')
    const renamed = await patch(bot.id, { name: 'Renamed', meta: { b: null, c: '3' } })
    expect(renamed.statusCode, renamed.body).toBe(200)
    expect(renamed.json()).toMatchObject({
      name: 'Renamed',
      description: 'd',
      meta: { a: '1', c: '3' },
      settings: { ...bot.settings },
      writeOnly: ['appSecret', 'tenantId'],
    })
    const cleared = await patch(bot.id, {
      description: null,
      settings: { tenantId: null, allowFrom: null, stream: false, sessionDurationMs: 31 * DAY },
    })
    expect(cleared.statusCode, cleared.body).toBe(200)
    const body = cleared.json() as Body
    expect(body.description).toBeNull()
    expect(body.writeOnly).toEqual(['appSecret'])
    expect(body.settings).not.toHaveProperty('allowFrom')
    expect(body.settings).toMatchObject({
      stream: false,
      sessionDurationMs: 31 * DAY,
      appId: BOT.appId,
    })
    expect(body.setup).toMatchObject({ status: 'ok' })
  })

  it('explains failed setups with 409: missing credentials, wrong secret, wrong tenant, unknown app', async () => {
    const bare = await create({
      kind: 'microsoft-teams-bot',
      name: 'bare',
      settings: { responder: 'r' },
    })
    expect(bare.statusCode).toBe(201)
    const bareBody = bare.json() as Body
    expect(bareBody.setup).toMatchObject({
      status: 'failed',
      problem: 'missing-credentials',
      field: 'settings.appId',
    })

    const setup = await h.inject(
      as(acme.key, { method: 'POST', url: `/api/v1/integrations/${bareBody.id}/setup` }),
    )
    expect(setup.statusCode).toBe(409)
    expect(setup.json()).toMatchObject({
      code: 'CONFLICT',
      details: { problem: 'missing-credentials', saved: false },
    })

    const bot = await newBot()
    const cases: Array<[object, string, string, RegExp]> = [
      [
        { appSecret: 'not-the-secret' },
        'wrong-secret',
        'settings.appSecret',
        /AADSTS7000215.*appSecret/,
      ],
      [
        { appSecret: BOT.secret, tenantId: 'nowhere.example' },
        'wrong-tenant',
        'settings.tenantId',
        /AADSTS90002/,
      ],
      [
        { appId: 'b0b0b0b0-1111-4000-8000-0000000000ff', tenantId: null },
        'unknown-app',
        'settings.appId',
        /AADSTS700016/,
      ],
      [
        { appId: SINGLE.appId, appSecret: SINGLE.secret, tenantId: null },
        'unknown-app',
        'settings.appId',
        /AADSTS700016/,
      ],
    ]
    for (const [settings, problem, field, reason] of cases) {
      const res = await patch(bot.id, { settings })
      expect(res.statusCode, res.body).toBe(409)
      const p = res.json() as { detail: string; details: Record<string, unknown> }
      expect(p.details).toMatchObject({ problem, field, saved: true })
      expect(p.detail).toMatch(reason)
      const state = (await get(`/api/v1/integrations/${bot.id}`)).json() as Body
      expect(state.setup).toMatchObject({ status: 'failed', problem, field })
    }
    // A single-tenant bot with its own tenant works; then setup on demand passes too.
    const fixed = await patch(bot.id, { settings: { tenantId: OTHER } })
    expect(fixed.statusCode, fixed.body).toBe(200)
    const again = await h.inject(
      as(acme.key, { method: 'POST', url: `/api/v1/integrations/${bot.id}/setup` }),
    )
    expect(again.statusCode).toBe(200)
    const events = (await get(`/api/v1/integrations/${bot.id}/events?take=100`)).json() as {
      items: Array<{ type: string; data: Record<string, unknown> }>
    }
    expect(events.items.map((e) => e.data.status)).toEqual([
      'ok',
      'ok',
      'failed',
      'failed',
      'failed',
      'failed',
      'ok',
    ])
  })

  it('notices a secret rotated in Azure on demand, and takes the new one', async () => {
    const bot = await newBot({ appId: SINGLE.appId, appSecret: SINGLE.secret, tenantId: OTHER })
    const rotated = idp.control.rotateSecret(SINGLE.appId)
    const stale = await h.inject(
      as(acme.key, { method: 'POST', url: `/api/v1/integrations/${bot.id}/setup` }),
    )
    expect(stale.statusCode).toBe(409)
    expect(stale.json()).toMatchObject({ details: { problem: 'wrong-secret' } })
    const res = await patch(bot.id, { settings: { appSecret: rotated } })
    expect(res.statusCode, res.body).toBe(200)
    SINGLE.secret = rotated
  })

  it('switches app id and secret together: no reader ever pairs one with the other', async () => {
    const bot = await newBot()
    const next = { appId: SINGLE.appId, appSecret: SINGLE.secret, tenantId: OTHER }
    const pairs = new Set<string>()
    let done = false
    const reader = (async () => {
      while (!done) {
        const stored = await h.store.integrations.get(bot.id as IntegrationId)
        const s = stored!.settings as { appId: string; appSecretName: string }
        const secret = await h.secrets.get(s.appSecretName).catch(() => 'gone')
        pairs.add(`${s.appId}|${secret}`)
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    const res = await patch(bot.id, { settings: next })
    done = true
    await reader
    expect(res.statusCode, res.body).toBe(200)
    for (const pair of pairs) {
      expect([
        `${BOT.appId}|${BOT.secret}`,
        `${SINGLE.appId}|${SINGLE.secret}`,
        `${BOT.appId}|gone`,
      ]).toContain(pair)
    }
    // The replaced secret is deleted once nothing refers to it.
    const names = (await h.store.state.list('secrets')).map((s) => s.key)
    expect(names.filter((n) => n.startsWith(`integrations/${bot.id}/`))).toHaveLength(1)
  })

  it('lists newest first by default, pages with an opaque cursor, and filters by meta', async () => {
    const globex = await h.account('Globex')
    const made: string[] = []
    for (let i = 0; i < 5; i++) {
      const res = await create(
        {
          kind: 'microsoft-teams-bot',
          name: `page-${i}`,
          meta: { batch: 'p', parity: i % 2 ? 'odd' : 'even' },
          settings: { responder: 'r' },
        },
        globex.key,
      )
      made.push((res.json() as Body).id)
    }
    const walk = async (query: string) => {
      const ids: string[] = []
      let url = `/api/v1/integrations?${query}`
      for (;;) {
        const res = await get(url, globex.key)
        expect(res.statusCode, res.body).toBe(200)
        const page = res.json() as { items: Body[]; cursor: string | null }
        ids.push(...page.items.map((i) => i.id))
        if (!page.cursor) return ids
        url = `/api/v1/integrations?${query}&cursor=${page.cursor}`
      }
    }
    expect(await walk('take=2')).toEqual([...made].reverse())
    expect(await walk('take=2&order=asc')).toEqual(made)
    expect(await walk('meta[parity]=odd')).toEqual([made[3], made[1]])
    expect(await walk('meta[parity]=odd&meta[batch]=p&order=asc')).toEqual([made[1], made[3]])
    expect(await walk('meta[parity]=none')).toEqual([])
    // Acme sees none of Globex's.
    expect((await walk('take=100')).length).toBe(5)
    const acmeIds = (
      (await get('/api/v1/integrations?take=100')).json() as { items: Body[] }
    ).items.map((i) => i.id)
    expect(acmeIds.some((id) => made.includes(id))).toBe(false)
  })

  it('deletes: gone from reads at once, secrets removed, contacts and events kept', async () => {
    const bot = await newBot()
    const id = bot.id as IntegrationId
    await h.store.contacts.upsert({
      integrationId: id,
      tenantId: HOME,
      aadObjectId: 'o-1',
      name: 'Zoë',
      seenAt: new Date(),
    })
    const before = h.changed.filter((c) => c === id).length
    const res = await h.inject(
      as(acme.key, { method: 'DELETE', url: `/api/v1/integrations/${id}` }),
    )
    expect(res.statusCode).toBe(204)
    expect(h.changed.filter((c) => c === id).length).toBe(before + 1)
    expect((await get(`/api/v1/integrations/${id}`)).statusCode).toBe(404)
    expect(
      (await h.inject(as(acme.key, { method: 'DELETE', url: `/api/v1/integrations/${id}` })))
        .statusCode,
    ).toBe(404)
    // What webhooks look integrations up by no longer finds it.
    expect(await h.store.integrations.get(id)).toBeUndefined()
    const names = (await h.store.state.list('secrets')).map((s) => s.key)
    expect(names.some((n) => n.startsWith(`integrations/${id}/`))).toBe(false)
    expect((await h.store.contacts.page(id, { order: 'asc', take: 10 })).items).toHaveLength(1)
    expect(
      (await h.store.integrationEvents.page(id, { order: 'asc', take: 10 })).items.length,
    ).toBeGreaterThan(0)
  })

  it('reads contacts and events of an own integration, paged the same way', async () => {
    const bot = await newBot({ contactCollection: true })
    const id = bot.id as IntegrationId
    for (let i = 0; i < 3; i++) {
      await h.store.contacts.upsert({
        integrationId: id,
        tenantId: OTHER,
        aadObjectId: `object-${i}`,
        name: `Person ${i}`,
        upn: `p${i}@customer.example`,
        seenAt: new Date(),
      })
      await h.store.integrationEvents.append({
        integrationId: id,
        type: 'conversationUpdate',
        dedupeKey: `activity:${i}`,
        data: { action: 'add', membersAdded: [`29:${i}`] },
        occurredAt: new Date(),
      })
    }
    const first = await get(`/api/v1/integrations/${id}/contacts?take=2&order=asc`)
    expect(first.statusCode, first.body).toBe(200)
    const page = first.json() as { items: Array<Record<string, unknown>>; cursor: string }
    expect(page.items[0]).toMatchObject({
      name: 'Person 0',
      upn: 'p0@customer.example',
      aadObjectId: 'object-0',
      tenantId: OTHER,
      email: null,
    })
    const rest = (
      await get(`/api/v1/integrations/${id}/contacts?take=2&cursor=${page.cursor}`)
    ).json() as { items: unknown[]; cursor: null }
    expect(rest.items).toHaveLength(1)
    expect(rest.cursor).toBeNull()
    const events = (await get(`/api/v1/integrations/${id}/events`)).json() as {
      items: Array<{ type: string; data: object }>
    }
    // Ids are time-ordered, so rows of one millisecond keep their order too.
    expect(events.items.map((e) => e.type)).toEqual([
      'conversationUpdate',
      'conversationUpdate',
      'conversationUpdate',
      'setup',
    ])
    expect(events.items[0]!.data).toEqual({ action: 'add', membersAdded: ['29:2'] })
  })

  it('manages the Graph kind too: nested write-only secrets, checked with a Graph token', async () => {
    const res = await create({
      kind: 'microsoft-teams',
      name: 'Teams chats',
      settings: {
        tenantId: HOME,
        clientId: BOT.appId,
        clientSecret: BOT.secret,
        authorityHost: idp.url,
        bot: { appId: BOT.appId, appPassword: BOT.secret },
        notifications: { clientState: 'client-state-value', chatIds: ['19:a@thread.v2'] },
      },
    })
    expect(res.statusCode, res.body).toBe(201)
    const body = res.json() as Body
    expect(body.writeOnly.sort()).toEqual([
      'bot.appPassword',
      'clientSecret',
      'notifications.clientState',
    ])
    expect(body.setup).toMatchObject({ status: 'ok' })
    expect(res.body).not.toMatch(/SecretName|PasswordName|StateName|client-state-value/)
    expect(body.settings).toMatchObject({ tenantId: HOME, bot: { appId: BOT.appId } })

    const wrongBot = await patch(body.id, { settings: { bot: { appPassword: 'wrong' } } })
    expect(wrongBot.statusCode).toBe(409)
    expect(wrongBot.json()).toMatchObject({ details: { field: 'settings.bot.appPassword' } })
    const noBot = await patch(body.id, { settings: { bot: null } })
    expect(noBot.statusCode, noBot.body).toBe(200)
    expect((noBot.json() as Body).writeOnly.sort()).toEqual([
      'clientSecret',
      'notifications.clientState',
    ])
    const names = (await h.store.state.list('secrets')).map((s) => s.key)
    expect(names.filter((n) => n.startsWith(`integrations/${body.id}/`))).toHaveLength(2)
  })

  it('answers 404 for another account’s integration and 403 for an own one beyond the key’s scopes', async () => {
    const bot = await newBot()
    const globex = await h.account('Globex')
    const calls = [
      ['GET', `/api/v1/integrations/${bot.id}`],
      ['PATCH', `/api/v1/integrations/${bot.id}`],
      ['DELETE', `/api/v1/integrations/${bot.id}`],
      ['POST', `/api/v1/integrations/${bot.id}/setup`],
      ['GET', `/api/v1/integrations/${bot.id}/contacts`],
      ['GET', `/api/v1/integrations/${bot.id}/events`],
    ] as const
    for (const [method, url] of calls) {
      const res = await h.inject(
        as(globex.key, { method, url, ...(method === 'PATCH' && { payload: { name: 'x' } }) }),
      )
      expect(res.statusCode, `${method} ${url}`).toBe(404)
      expect(res.body).not.toContain('Support bot')
    }
    const reader = await h.accounts.createKey(acme.id as never, 'reader', ['integrations:read'])
    expect((await get(`/api/v1/integrations/${bot.id}`, reader.token)).statusCode).toBe(200)
    for (const [method, url] of calls.slice(1)) {
      const res = await h.inject(
        as(reader.token, { method, url, ...(method === 'PATCH' && { payload: { name: 'x' } }) }),
      )
      expect(res.statusCode, `${method} ${url}`).toBe(403)
    }
    expect(
      (
        await create(
          { kind: 'microsoft-teams-bot', name: 'x', settings: { responder: 'r' } },
          reader.token,
        )
      ).statusCode,
    ).toBe(403)
    expect(((await get(`/api/v1/integrations/${bot.id}`)).json() as Body).name).toBe('Support bot')
  })
})
