import { expect, it } from 'vitest'

import type { JsonValue } from '../../../src/core/model/json.ts'
import type { StoreContext } from './store-context.ts'

export function stateCases(ctx: StoreContext): void {
  it('stores any JSON value and reads it back unchanged', async () => {
    const values: JsonValue[] = [
      null,
      0,
      -1.25,
      true,
      '',
      'text with "quotes" and ünïcode ✓',
      [],
      [1, 'two', null, { three: [3] }],
      { cursor: '2026-03-01T09:00:00Z', nested: { list: [false] } },
    ]
    for (const [i, value] of values.entries()) await ctx.store.state.put('values', `k${i}`, value)
    for (const [i, value] of values.entries()) {
      expect(await ctx.store.state.get('values', `k${i}`)).toEqual(value)
    }
  })

  it('answers undefined for a missing key, overwrites on put, and forgets on delete', async () => {
    expect(await ctx.store.state.get('cursor', 'chat-1')).toBeUndefined()
    await ctx.store.state.put('cursor', 'chat-1', { last: 'a' })
    await ctx.store.state.put('cursor', 'chat-1', { last: 'b' })
    expect(await ctx.store.state.get('cursor', 'chat-1')).toEqual({ last: 'b' })
    await ctx.store.state.delete('cursor', 'chat-1')
    await ctx.store.state.delete('cursor', 'chat-1')
    expect(await ctx.store.state.get('cursor', 'chat-1')).toBeUndefined()
  })

  it('keeps namespaces apart and lists one namespace by key', async () => {
    await ctx.store.state.put('refs', 'b', 2)
    await ctx.store.state.put('refs', 'a', 1)
    await ctx.store.state.put('other', 'a', 'x')
    expect(await ctx.store.state.list('refs')).toEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ])
    expect(await ctx.store.state.get('other', 'a')).toBe('x')
    expect(await ctx.store.state.list('empty')).toEqual([])
  })

  it('answers ping', async () => {
    await expect(ctx.store.ping()).resolves.toBeUndefined()
  })
}
