import { randomUUID } from 'node:crypto'

import { expect, it } from 'vitest'

import { integrationId } from '../../../src/core/model/ids.ts'
import type { SessionKey } from '../../../src/core/ports/session-store.ts'
import { createKeyValueSessionStore } from '../../../src/infra/sessions/key-value-sessions.ts'
import type { KeyValueWorld } from '../key-value.contract.ts'

/** The session store over each KeyValueStore implementation. */
export function sessionCases(world: () => KeyValueWorld): void {
  const sessions = (options: { maxTurns?: number; peer?: boolean } = {}) =>
    createKeyValueSessionStore({
      kv: options.peer ? world().peer : world().kv,
      clock: world().clock,
      ...(options.maxTurns ? { maxTurns: options.maxTurns } : {}),
    })
  const someone = (): SessionKey => ({
    integrationId: integrationId(randomUUID()),
    userId: `29:${randomUUID()}`,
  })
  const day = 86_400_000

  it('starts a session on the first turn and continues it, under teams-session-{integrationId}-{userId}', async () => {
    const store = sessions()
    const key = someone()
    const before = world().clock.nowMs()
    const first = await store.append(key, [{ role: 'user', text: 'hi' }], { durationMs: day })
    expect(first.started).toBe(true)
    const startedAt = first.session.startedAt.getTime()
    expect(startedAt).toBeGreaterThanOrEqual(before)
    expect(first.session.expiresAt?.getTime()).toBe(startedAt + day)
    const second = await sessions({ peer: true }).append(
      key,
      [
        { role: 'bot', text: 'hello, how can I help?' },
        { role: 'user', text: 'my order' },
      ],
      { durationMs: day },
    )
    expect(second.started).toBe(false)
    expect(second.session.startedAt.getTime()).toBe(startedAt)
    const current = await store.current(key)
    expect(current?.turns.map((t) => `${t.role}: ${t.text}`)).toEqual([
      'user: hi',
      'bot: hello, how can I help?',
      'user: my order',
    ])
    expect(current?.turns.every((t) => t.at instanceof Date)).toBe(true)
    const raw = await world().kv.get(`teams-session-${key.integrationId}-${key.userId}`)
    expect(raw?.value).toMatchObject({ startedAt: first.session.startedAt.toISOString() })
  })

  it('keeps one session per integration and user', async () => {
    const store = sessions()
    const alex = someone()
    const sameUserOtherBot = { ...alex, integrationId: integrationId(randomUUID()) }
    await store.append(alex, [{ role: 'user', text: 'a' }], { durationMs: day })
    const other = await store.append(sameUserOtherBot, [{ role: 'user', text: 'b' }], {
      durationMs: day,
    })
    expect(other.started).toBe(true)
    expect((await store.current(alex))?.turns).toHaveLength(1)
  })

  it('starts afresh after a reset (///restart, ///reset, ///new)', async () => {
    const store = sessions()
    const key = someone()
    await store.append(key, [{ role: 'user', text: 'old context' }], { durationMs: day })
    await sessions({ peer: true }).reset(key)
    expect(await store.current(key)).toBeUndefined()
    const next = await store.append(key, [{ role: 'user', text: 'new' }], { durationMs: day })
    expect(next.started).toBe(true)
    expect(next.session.turns.map((t) => t.text)).toEqual(['new'])
  })

  it('ends a session the session duration after it started, and removes its entry', async () => {
    const store = sessions()
    const key = someone()
    await store.append(key, [{ role: 'user', text: 'x' }], { durationMs: 150 })
    expect(await store.current(key)).toBeDefined()
    await world().advance(300)
    expect(await store.current(key)).toBeUndefined()
    expect(await world().kv.get(`teams-session-${key.integrationId}-${key.userId}`)).toBeUndefined()
    const next = await store.append(key, [{ role: 'user', text: 'y' }], { durationMs: 150 })
    expect(next.started).toBe(true)
  })

  it('never ends a session without a duration', async () => {
    const store = sessions()
    const key = someone()
    const { session } = await store.append(key, [{ role: 'user', text: 'x' }], {
      durationMs: undefined,
    })
    expect(session.expiresAt).toBeUndefined()
    await world().advance(200)
    expect((await store.current(key))?.turns).toHaveLength(1)
  })

  it('keeps the newest turns up to its limit', async () => {
    const store = sessions({ maxTurns: 3 })
    const key = someone()
    for (const text of ['1', '2', '3', '4', '5']) {
      await store.append(key, [{ role: 'user', text }], { durationMs: day })
    }
    expect((await store.current(key))?.turns.map((t) => t.text)).toEqual(['3', '4', '5'])
  })

  it('lands every turn when two processes append to one session at once', async () => {
    const [here, there] = [sessions(), sessions({ peer: true })]
    const key = someone()
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 ? here : there).append(key, [{ role: 'user', text: String(i) }], {
          durationMs: day,
        }),
      ),
    )
    const texts = (await here.current(key))?.turns.map((t) => t.text) ?? []
    expect([...texts].sort((a, b) => Number(a) - Number(b))).toEqual(
      Array.from({ length: 12 }, (_, i) => String(i)),
    )
  })
}
