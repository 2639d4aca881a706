import { expect, it } from 'vitest'

import { ConflictError } from '../../../src/core/errors.ts'
import { accountId, apiKeyId } from '../../../src/core/model/account.ts'
import type { StoreContext } from './store-context.ts'

export function accountCases(ctx: StoreContext): void {
  it('creates accounts with a given or generated id and lists them oldest first', async () => {
    const a = await ctx.store.accounts.create({ id: accountId('acme'), name: 'Acme Ω' })
    ctx.clock.advance(1000)
    const b = await ctx.store.accounts.create({ name: 'Globex' })
    expect(a).toEqual({
      id: 'acme',
      name: 'Acme Ω',
      createdAt: new Date(ctx.clock.nowMs() - 1000),
      updatedAt: new Date(ctx.clock.nowMs() - 1000),
    })
    expect(b.id).toMatch(/\S{8,}/)
    expect(await ctx.store.accounts.get(a.id)).toEqual(a)
    expect(await ctx.store.accounts.get(accountId('nope'))).toBeUndefined()
    expect((await ctx.store.accounts.list()).map((x) => x.id)).toEqual([a.id, b.id])
    await expect(ctx.store.accounts.create({ id: a.id, name: 'again' })).rejects.toBeInstanceOf(
      ConflictError,
    )
  })

  it('keeps API keys with their hash and scopes, lists an account’s keys, revokes once', async () => {
    const account = await ctx.store.accounts.create({ name: 'Acme' })
    const other = await ctx.store.accounts.create({ name: 'Globex' })
    const key = await ctx.store.apiKeys.create({
      id: apiKeyId('k1'),
      accountId: account.id,
      name: 'ci',
      scopes: ['integrations:read', 'events:read'],
      secretHash: 'ab'.repeat(32),
    })
    expect(key).toEqual({
      id: 'k1',
      accountId: account.id,
      name: 'ci',
      scopes: ['integrations:read', 'events:read'],
      secretHash: 'ab'.repeat(32),
      createdAt: ctx.clock.now(),
    })
    await ctx.store.apiKeys.create({
      id: apiKeyId('k2'),
      accountId: other.id,
      name: 'other',
      scopes: [],
      secretHash: 'cd'.repeat(32),
    })
    await expect(ctx.store.apiKeys.create({ ...key, name: 'duplicate id' })).rejects.toBeInstanceOf(
      ConflictError,
    )
    expect((await ctx.store.apiKeys.listByAccount(account.id)).map((k) => k.id)).toEqual(['k1'])

    ctx.clock.advance(5000)
    await ctx.store.apiKeys.markUsed(key.id, ctx.clock.now())
    await ctx.store.apiKeys.revoke(key.id, ctx.clock.now())
    const revokedAt = ctx.clock.now()
    ctx.clock.advance(5000)
    await ctx.store.apiKeys.revoke(key.id, ctx.clock.now())
    expect(await ctx.store.apiKeys.get(key.id)).toEqual({
      ...key,
      lastUsedAt: revokedAt,
      revokedAt,
    })
    expect(await ctx.store.apiKeys.get(apiKeyId('k3'))).toBeUndefined()
  })
}
