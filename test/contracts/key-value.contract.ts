import { randomUUID } from 'node:crypto'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { JsonValue } from '../../src/core/model/json.ts'
import type { Clock } from '../../src/core/ports/clock.ts'
import type { KeyValueStore } from '../../src/core/ports/key-value.ts'
import type { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import type { SqlKeyValueStore } from '../../src/infra/store/repositories/key-value.ts'
import { sessionCases } from './key-value/sessions.cases.ts'

export interface KeyValueWorld {
  readonly kv: KeyValueStore
  /** The same store as another process sees it (a second connection; in-memory SQLite: itself). */
  readonly peer: KeyValueStore
  /** The clock expiry runs on (a manual one for SQL, real time for Redis). */
  readonly clock: Clock
  /** Lets at least `ms` pass on that clock. */
  advance(ms: number): Promise<void>
  close(): Promise<void>
}

export type KeyValueFactory = () => Promise<KeyValueWorld>

/** The behaviour every KeyValueStore must show; run once per implementation. */
export function describeKeyValueContract(name: string, factory: KeyValueFactory): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let current: KeyValueWorld | undefined
    const world = (): KeyValueWorld => {
      if (!current) throw new Error('no store open')
      return current
    }
    beforeEach(async () => {
      current = await factory()
    })
    afterEach(async () => {
      await current?.close()
      current = undefined
    })
    const key = () => `contract-${randomUUID()}`

    it('reads nothing for a key never written', async () => {
      expect(await world().kv.get(key())).toBeUndefined()
    })

    it('returns what was set, to every process, as JSON', async () => {
      const k = key()
      const value: JsonValue = {
        text: 'Grüße, 你好 "quoted" \n line',
        n: 12.5,
        ok: true,
        none: null,
        list: [1, 'two', { three: [3] }],
      }
      await world().kv.set(k, value)
      const entry = await world().peer.get(k)
      expect(entry?.value).toEqual(value)
      expect(entry?.revision).toEqual(expect.any(String))
      await world().kv.set(`${k}-s`, 'plain string')
      expect((await world().kv.get(`${k}-s`))?.value).toBe('plain string')
    })

    it('replaces a value with a new revision, and a write without expiry keeps it for good', async () => {
      const { kv, peer } = world()
      const k = key()
      await kv.set(k, 1, { ttlMs: 100 })
      const first = await kv.get(k)
      await peer.set(k, 2)
      const second = await kv.get(k)
      expect(second?.value).toBe(2)
      expect(second?.revision).not.toBe(first?.revision)
      await world().advance(250)
      expect((await kv.get(k))?.value).toBe(2)
    })

    it('expires an entry after its TTL (fractions allowed) for every process', async () => {
      const { kv, peer } = world()
      const [short, long] = [key(), key()]
      await kv.set(short, 'soon gone', { ttlMs: 100.5 })
      await kv.set(long, 'stays', { ttlMs: 60_000 })
      expect((await peer.get(long))?.value).toBe('stays')
      await world().advance(250)
      expect(await kv.get(short)).toBeUndefined()
      expect(await peer.get(short)).toBeUndefined()
      expect((await peer.get(long))?.value).toBe('stays')
    })

    it('deletes, and deleting what is not there is no error', async () => {
      const { kv, peer } = world()
      const k = key()
      await kv.set(k, 'x')
      await peer.delete(k)
      expect(await kv.get(k)).toBeUndefined()
      await kv.delete(k)
    })

    it('compare-and-set on an absent key writes once, and takes over an expired entry', async () => {
      const { kv, peer } = world()
      const k = key()
      expect(await kv.compareAndSet(k, undefined, 'first', { ttlMs: 100 })).toBe(true)
      expect(await peer.compareAndSet(k, undefined, 'second')).toBe(false)
      expect((await kv.get(k))?.value).toBe('first')
      await world().advance(250)
      expect(await peer.compareAndSet(k, undefined, 'after expiry')).toBe(true)
      expect((await kv.get(k))?.value).toBe('after expiry')
    })

    it('compare-and-set writes only over the revision it read', async () => {
      const { kv, peer } = world()
      const k = key()
      await kv.set(k, 'v1')
      const read = (await kv.get(k))!
      expect(await peer.compareAndSet(k, read.revision, 'v2', { ttlMs: 60_000 })).toBe(true)
      expect(await kv.compareAndSet(k, read.revision, 'lost the race')).toBe(false)
      const now = (await kv.get(k))!
      expect(now.value).toBe('v2')
      expect(now.revision).not.toBe(read.revision)
      await kv.delete(k)
      expect(await kv.compareAndSet(k, now.revision, 'v3')).toBe(false)
      expect(await kv.get(k)).toBeUndefined()
    })

    it('compare-and-set does not revive an expired entry by its old revision', async () => {
      const { kv } = world()
      const k = key()
      await kv.set(k, 'old', { ttlMs: 100 })
      const read = (await kv.get(k))!
      await world().advance(250)
      expect(await kv.compareAndSet(k, read.revision, 'revived')).toBe(false)
      expect(await kv.get(k)).toBeUndefined()
    })

    it('loses no update when two processes read-modify-write one key at once', async () => {
      const { kv, peer } = world()
      const k = key()
      const increment = async (store: KeyValueStore) => {
        for (;;) {
          const entry = await store.get<number>(k)
          if (await store.compareAndSet(k, entry?.revision, (entry?.value ?? 0) + 1)) return
        }
      }
      await Promise.all(Array.from({ length: 16 }, (_, i) => increment(i % 2 ? kv : peer)))
      expect((await kv.get(k))?.value).toBe(16)
    })

    describe('sessions over it', () => sessionCases(world))
  })
}

/** The embedded store also deletes expired rows (they already read as absent). */
export function describeEmbeddedPurge(
  name: string,
  open: () => Promise<{ kv: SqlKeyValueStore; clock: ManualClock; close(): Promise<void> }>,
): void {
  describe(`embedded key-value purge: ${name}`, () => {
    it('deletes expired rows only, at most a batch at a time', async () => {
      const { kv, clock, close } = await open()
      try {
        await kv.set('a', 1, { ttlMs: 100 })
        await kv.set('b', 2, { ttlMs: 100 })
        await kv.set('c', 3, { ttlMs: 1_000 })
        await kv.set('d', 4)
        clock.advance(100)
        expect(await kv.purgeExpired(1)).toBe(1)
        expect(await kv.purgeExpired(10)).toBe(1)
        expect(await kv.purgeExpired(10)).toBe(0)
        expect((await kv.get('c'))?.value).toBe(3)
        expect((await kv.get('d'))?.value).toBe(4)
      } finally {
        await close()
      }
    })
  })
}
