import { expect, it } from 'vitest'

import { NotFoundError } from '../../../src/core/errors.ts'
import type { AccountId } from '../../../src/core/model/account.ts'
import type { PageQuery } from '../../../src/core/model/page.ts'
import type { StoreContext } from './store-context.ts'

export function managedIntegrationCases(ctx: StoreContext): void {
  const seed = async (accountId: AccountId, names: string[], meta = (_i: number) => ({})) => {
    const out = []
    for (const [i, name] of names.entries()) {
      out.push(
        await ctx.store.integrations.create({
          kind: 'microsoft-teams-bot',
          name,
          settings: { i },
          accountId,
          meta: meta(i),
        }),
      )
      ctx.clock.advance(i % 2 === 0 ? 1000 : 0) // some share a creation time: ids break ties
    }
    return out
  }

  it('keeps account, description, meta and setup, and updates them', async () => {
    const account = await ctx.store.accounts.create({ name: 'Acme' })
    const created = await ctx.store.integrations.create({
      kind: 'microsoft-teams-bot',
      name: 'bot',
      settings: { appId: 'x' },
      accountId: account.id,
      description: 'Support bot ✓',
      meta: { region: 'eu', 'team.name': 'a b' },
    })
    expect(created).toMatchObject({
      accountId: account.id,
      description: 'Support bot ✓',
      meta: { region: 'eu', 'team.name': 'a b' },
    })
    expect(created.setup).toBeUndefined()
    const checkedAt = new Date('2026-03-01T10:00:00.456Z')
    const updated = await ctx.store.integrations.update(created.id, {
      description: null,
      meta: { region: 'us' },
      setup: {
        status: 'failed',
        checkedAt,
        problem: 'wrong-secret',
        reason: 'the secret was refused',
        field: 'settings.appSecret',
      },
    })
    expect(updated.description).toBeUndefined()
    expect(updated.meta).toEqual({ region: 'us' })
    expect(updated.setup).toEqual({
      status: 'failed',
      checkedAt,
      problem: 'wrong-secret',
      reason: 'the secret was refused',
      field: 'settings.appSecret',
    })
    expect(await ctx.store.integrations.get(created.id)).toEqual(updated)
    const operator = await ctx.store.integrations.create({
      kind: 'microsoft-teams',
      name: 'file',
      settings: {},
    })
    expect(operator.accountId).toBeUndefined()
    expect(operator.meta).toEqual({})
    const handed = await ctx.store.integrations.update(operator.id, { accountId: account.id })
    expect(handed.accountId).toBe(account.id)
    const back = await ctx.store.integrations.update(operator.id, { accountId: null })
    expect(back.accountId).toBeUndefined()
  })

  it('pages one account’s integrations newest first or oldest first, without gaps or repeats', async () => {
    const acme = await ctx.store.accounts.create({ name: 'Acme' })
    const globex = await ctx.store.accounts.create({ name: 'Globex' })
    const mine = await seed(acme.id, ['a', 'b', 'c', 'd', 'e'])
    await seed(globex.id, ['x'])
    const all = async (order: 'asc' | 'desc', take: number) => {
      const seen: string[] = []
      let query: PageQuery = { order, take }
      for (;;) {
        const page = await ctx.store.integrations.page(acme.id, query)
        seen.push(...page.items.map((i) => i.name))
        expect(page.items.length).toBeLessThanOrEqual(take)
        if (!page.next) return seen
        query = { order, take, after: page.next }
      }
    }
    const oldestFirst = [...mine]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map((i) => i.name)
    expect(await all('asc', 2)).toEqual(oldestFirst)
    expect(await all('desc', 2)).toEqual([...oldestFirst].reverse())
    expect(await all('desc', 5)).toEqual([...oldestFirst].reverse())
    expect(await all('asc', 100)).toEqual(oldestFirst)
  })

  it('filters a page by exact meta values, every pair matching', async () => {
    const acme = await ctx.store.accounts.create({ name: 'Acme' })
    await seed(acme.id, ['a', 'b', 'c'], (i) => ({
      region: i === 2 ? 'us' : 'eu',
      tier: i === 0 ? 'gold' : 'silver',
      "it's": 'quoted "value"',
    }))
    // Filtering, not order, is under test here (two of the three share a creation time).
    const names = async (meta: Record<string, string>) =>
      (await ctx.store.integrations.page(acme.id, { order: 'asc', take: 10, meta })).items
        .map((i) => i.name)
        .sort()
    expect(await names({ region: 'eu' })).toEqual(['a', 'b'])
    expect(await names({ region: 'eu', tier: 'silver' })).toEqual(['b'])
    expect(await names({ region: 'EU' })).toEqual([])
    expect(await names({ missing: 'eu' })).toEqual([])
    expect(await names({ "it's": 'quoted "value"' })).toEqual(['a', 'b', 'c'])
  })

  it('hides a deleted integration from every read and update, keeping its row for history', async () => {
    const acme = await ctx.store.accounts.create({ name: 'Acme' })
    const [bot] = await seed(acme.id, ['bot'])
    await ctx.store.contacts.upsert({
      integrationId: bot!.id,
      tenantId: 't',
      aadObjectId: 'o',
      seenAt: ctx.clock.now(),
    })
    await ctx.store.integrations.markDeleted(bot!.id)
    await ctx.store.integrations.markDeleted(bot!.id)
    expect(await ctx.store.integrations.get(bot!.id)).toBeUndefined()
    expect(await ctx.store.integrations.list()).toEqual([])
    expect((await ctx.store.integrations.page(acme.id, { order: 'desc', take: 10 })).items).toEqual(
      [],
    )
    await expect(ctx.store.integrations.update(bot!.id, { name: 'back?' })).rejects.toBeInstanceOf(
      NotFoundError,
    )
    const contacts = await ctx.store.contacts.page(bot!.id, { order: 'asc', take: 10 })
    expect(contacts.items).toHaveLength(1)
  })
}
