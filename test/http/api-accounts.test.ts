import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type ApiHarness, as, startApiHarness } from './api-harness.ts'

describe('admin API: accounts and API keys', () => {
  let h: ApiHarness
  beforeAll(async () => {
    h = await startApiHarness()
  })
  afterAll(() => h?.close())

  const problem = (res: {
    statusCode: number
    headers: Record<string, unknown>
    json(): unknown
  }) => {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    return res.json() as {
      status: number
      code: string
      detail?: string
      details?: Record<string, unknown>
    }
  }

  it('refuses a missing, malformed, unknown or tampered key with 401', async () => {
    const { key } = await h.account('Acme')
    const tampered = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`
    const unknown = `cxb_0123456789abcdef_${'A'.repeat(43)}`
    for (const authorization of [
      undefined,
      'Bearer',
      `Basic ${key}`,
      'Bearer nope',
      `Bearer ${tampered}`,
      `Bearer ${unknown}`,
    ]) {
      const res = await h.inject({
        method: 'GET',
        url: '/api/v1/account',
        headers: authorization === undefined ? {} : { authorization },
      })
      expect(res.statusCode).toBe(401)
      expect(problem(res).code).toBe('AUTH_FAILED')
    }
  })

  it('says whose key it is, and stores only a hash of the key', async () => {
    const { id, key } = await h.account('Acme Ω', ['integrations:read'])
    const res = await h.inject(as(key, { method: 'GET', url: '/api/v1/account' }))
    expect(res.statusCode).toBe(200)
    const body = res.json() as { id: string; name: string; key: { id: string; scopes: string[] } }
    expect(body).toEqual({
      id,
      name: 'Acme Ω',
      key: { id: body.key.id, scopes: ['integrations:read'] },
    })
    expect(key).toMatch(/^cxb_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/)
    const stored = await h.store.apiKeys.get(body.key.id as never)
    expect(stored?.secretHash).toMatch(/^[0-9a-f]{64}$/)
    expect(JSON.stringify(stored)).not.toContain(key.slice('cxb_'.length + 17)) // the secret part
    expect(stored?.lastUsedAt).toBeInstanceOf(Date)
  })

  it('creates keys with a subset of the caller’s scopes, shows each once, and revokes at once', async () => {
    const { key } = await h.account('Acme')
    const created = await h.inject(
      as(key, {
        method: 'POST',
        url: '/api/v1/keys',
        payload: { name: 'ci', scopes: ['events:read'] },
      }),
    )
    expect(created.statusCode).toBe(201)
    const issued = created.json() as { id: string; key: string; scopes: string[] }
    expect(issued.scopes).toEqual(['events:read'])

    const listed = await h.inject(as(key, { method: 'GET', url: '/api/v1/keys' }))
    expect(listed.statusCode).toBe(200)
    const items = (listed.json() as { items: Array<Record<string, unknown>> }).items
    expect(items.map((k) => k.name)).toEqual(['first key', 'ci'])
    expect(listed.body).not.toContain(issued.key)
    expect(listed.body).not.toContain('secretHash')

    const narrow = await h.inject(as(issued.key, { method: 'GET', url: '/api/v1/account' }))
    expect(narrow.statusCode).toBe(200)
    // The narrow key cannot manage keys, nor could it mint broader ones.
    expect(
      (await h.inject(as(issued.key, { method: 'GET', url: '/api/v1/keys' }))).statusCode,
    ).toBe(403)

    const revoked = await h.inject(as(key, { method: 'DELETE', url: `/api/v1/keys/${issued.id}` }))
    expect(revoked.statusCode).toBe(204)
    expect(
      (await h.inject(as(issued.key, { method: 'GET', url: '/api/v1/account' }))).statusCode,
    ).toBe(401)
  })

  it('refuses to grant scopes the caller lacks (403 naming them)', async () => {
    const { key } = await h.account('Acme', ['keys:write', 'integrations:read'])
    const res = await h.inject(
      as(key, {
        method: 'POST',
        url: '/api/v1/keys',
        payload: { name: 'escalate', scopes: ['integrations:read', 'jobs:admin'] },
      }),
    )
    expect(res.statusCode).toBe(403)
    expect(problem(res).details).toMatchObject({ field: 'scopes', scopes: ['jobs:admin'] })
  })

  it('answers 404 for another account’s key and 400 for bad key input, naming the field', async () => {
    const acme = await h.account('Acme')
    const globex = await h.account('Globex')
    const other = await h.inject(as(globex.key, { method: 'GET', url: '/api/v1/account' }))
    const otherKeyId = (other.json() as { key: { id: string } }).key.id
    const res = await h.inject(
      as(acme.key, { method: 'DELETE', url: `/api/v1/keys/${otherKeyId}` }),
    )
    expect(res.statusCode).toBe(404)
    expect(
      (await h.inject(as(globex.key, { method: 'GET', url: '/api/v1/account' }))).statusCode,
    ).toBe(200)

    const cases: Array<[unknown, string]> = [
      [{ name: 'x', scopes: ['events:read'], admin: true }, 'admin'],
      [{ name: 'x', scopes: ['everything'] }, 'scopes.0'],
      [{ name: 42, scopes: ['events:read'] }, 'name'],
      [{ name: 'x'.repeat(101), scopes: ['events:read'] }, 'name'],
      [{ name: 'x', scopes: [] }, 'scopes'],
    ]
    for (const [payload, field] of cases) {
      const bad = await h.inject(
        as(acme.key, { method: 'POST', url: '/api/v1/keys', payload: payload as object }),
      )
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400)
      expect(problem(bad).details?.field).toBe(field)
    }
    const badId = await h.inject(as(acme.key, { method: 'DELETE', url: '/api/v1/keys/not-a-key' }))
    expect(badId.statusCode).toBe(400)
    expect(problem(badId).details?.field).toBe('keyId')
  })

  it('lets a jobs:admin key use the operator jobs API, and no other key', async () => {
    const ops = await h.account('Operations', ['jobs:admin'])
    const plain = await h.account('Acme')
    expect(
      (await h.inject(as(ops.key, { method: 'GET', url: '/api/v1/jobs/stats' }))).statusCode,
    ).toBe(200)
    const refused = await h.inject(as(plain.key, { method: 'GET', url: '/api/v1/jobs/stats' }))
    expect(refused.statusCode).toBe(403)
    expect(problem(refused).code).toBe('FORBIDDEN')
  })

  it('documents the admin API in OpenAPI', async () => {
    const res = await h.inject({ method: 'GET', url: '/docs/json' })
    expect(res.statusCode).toBe(200)
    const paths = (res.json() as { paths: Record<string, Record<string, unknown>> }).paths
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/account',
        '/api/v1/keys',
        '/api/v1/keys/{keyId}',
        '/api/v1/integrations',
        '/api/v1/integrations/{id}',
        '/api/v1/integrations/{id}/setup',
        '/api/v1/integrations/{id}/contacts',
        '/api/v1/integrations/{id}/events',
        '/api/v1/jobs/stats',
      ]),
    )
    expect(JSON.stringify(paths['/api/v1/integrations'])).toContain('"cursor"')
  })
})
