import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, utimes } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { newConversation, newMessage, seedRoute } from '../../test/contracts/store/store-context.ts'
import { capturingLogger, recordingMetrics } from '../connectors/shared/testing/fake-ports.ts'
import type { BlobStore } from '../core/ports/blob-store.ts'
import type { Job } from '../core/ports/job-queue.ts'
import { purgeOld } from '../flows/retention/purge.ts'
import { createLocalBlobStore } from '../infra/blob/local-disk.ts'
import { ManualClock } from '../infra/clock/manual-clock.ts'
import { type MigratableStore, openStore } from '../infra/store/index.ts'
import { loadConfig } from './config-load.ts'
import type { Infrastructure } from './infrastructure.ts'
import { MESSAGE_STATE_NAMESPACES, retentionHandlers, retentionSingleton } from './retention.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const PURGED = 'cxb_retention_purged_total'

describe('retention', () => {
  let clock: ManualClock
  let store: MigratableStore
  let blobsDir: string
  let blobs: BlobStore
  beforeEach(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 1))
    store = await openStore({ url: 'sqlite::memory:', clock })
    await store.migrate()
    blobsDir = await mkdtemp(join(tmpdir(), 'cxb-retention-blobs-'))
    const signingKey = randomBytes(32)
    blobs = createLocalBlobStore({ dir: blobsDir, publicUrl: 'http://h/blobs', signingKey, clock })
  })
  afterEach(async () => {
    await store.close()
    await rm(blobsDir, { recursive: true, force: true })
  })

  /** A re-hosted attachment stored now by the clock (its files dated so). */
  const blob = async () => {
    const { key } = await blobs.put(new Uint8Array([1]), { name: 'a.png', mediaType: 'image/png' })
    const folder = join(blobsDir, key.slice(0, 2))
    for (const file of [key, `${key}.json`])
      await utimes(join(folder, file), clock.now(), clock.now())
    return key
  }

  /** A conversation last active now, with `messages` messages. */
  const conversation = async (key: string, messages: number) => {
    const linked = await seedRoute(store)
    const created = await store.conversations.create({
      ...newConversation(linked, { channelKey: key, openedAt: clock.now() }),
    })
    for (let i = 0; i < messages; i++) await store.messages.insertIfAbsent(newMessage(created))
    return created
  }

  const run = async (env: NodeJS.ProcessEnv) => {
    const config = loadConfig({ env })
    const metrics = recordingMetrics()
    const log = capturingLogger()
    const infra = { store, blobs, clock, metrics, redis: undefined } as unknown as Infrastructure
    const [[task, handler]] = Object.entries(retentionHandlers(config, infra))
    expect(task).toBe(retentionSingleton(config).task)
    const job = { task, payload: {}, attempt: 1, maxAttempts: 3 } as unknown as Job
    await handler!(job, { signal: new AbortController().signal, log })
    return { metrics, log }
  }

  it('purges what the defaults no longer keep, counts each kind and logs the run', async () => {
    const old = await conversation('old', 2)
    const [turns] = MESSAGE_STATE_NAMESPACES
    await store.state.put(turns!, 'old-turn', {})
    await store.state.put('graph-cursor', 'chat', {})
    const bot = await store.integrations.create({
      kind: 'microsoft-teams-bot',
      name: 'b',
      settings: {},
    })
    await store.integrationEvents.append({
      integrationId: bot.id,
      type: 'setup',
      data: {},
      occurredAt: clock.now(),
    })
    await store.keyValue.set('session', {}, { ttlMs: 1000 })
    await store.keyValue.set('forever', {})
    const oldBlob = await blob()
    clock.advance(31 * DAY_MS)
    const recent = await conversation('recent', 1)
    await store.state.put(turns!, 'recent-turn', {})
    const recentBlob = await blob()

    const { metrics, log } = await run({})

    expect(await store.conversations.get(old.id)).toBeUndefined()
    expect(await store.messages.listByConversation(recent.id)).toHaveLength(1)
    expect((await store.state.list(turns!)).map((e) => e.key)).toEqual(['recent-turn'])
    expect(await store.state.get('graph-cursor', 'chat')).toEqual({})
    expect(
      (await store.integrationEvents.page(bot.id, { order: 'asc', take: 5 })).items,
    ).toHaveLength(1)
    expect(await store.keyValue.get('forever')).toBeDefined()
    expect(await blobs.get(oldBlob)).toBeUndefined()
    expect(await blobs.get(recentBlob)).toBeDefined()
    const purged = { messages: 2, conversations: 1, state: 1, blobs: 1, 'key-value': 1 }
    for (const [kind, n] of Object.entries(purged)) expect(metrics.count(PURGED, { kind })).toBe(n)
    expect(metrics.count(PURGED, { kind: 'integration-events' })).toBe(0)
    const line = JSON.parse(log.lines.find((l) => l.includes('old data purged'))!)
    expect(line).toMatchObject({ level: 'info', purged: { ...purged, 'integration-events': 0 } })
  })

  it('keeps conversations, attachments and events forever at 0 days, and purges events after eventsDays', async () => {
    const old = await conversation('old', 1)
    const oldBlob = await blob()
    const bot = await store.integrations.create({
      kind: 'microsoft-teams-bot',
      name: 'b',
      settings: {},
    })
    const event = { integrationId: bot.id, type: 'setup', data: {}, occurredAt: clock.now() }
    await store.integrationEvents.append(event)
    clock.advance(400 * DAY_MS)

    await run({ CXB_RETENTION__MESSAGES_DAYS: '0', CXB_RETENTION__EVENTS_DAYS: '0' })
    expect(await store.messages.listByConversation(old.id)).toHaveLength(1)
    expect(
      (await store.integrationEvents.page(bot.id, { order: 'asc', take: 5 })).items,
    ).toHaveLength(1)

    const { metrics } = await run({ CXB_RETENTION__MESSAGES_DAYS: '0' })
    expect(metrics.count(PURGED, { kind: 'integration-events' })).toBe(1)
    expect(await store.conversations.get(old.id)).toBeDefined()
    expect(await blobs.get(oldBlob)).toBeDefined()
  })

  it('goes on batch after batch until nothing old is left', async () => {
    const olds = [
      await conversation('a', 3),
      await conversation('b', 0),
      await conversation('c', 2),
    ]
    const oldBlobs = [await blob(), await blob(), await blob(), await blob(), await blob()]
    clock.advance(2 * DAY_MS)
    const metrics = recordingMetrics()
    const purged = await purgeOld(
      { store, blobs, clock, metrics, batch: 2 },
      { messagesDays: 1, eventsDays: 0, messageStateNamespaces: [] },
    )
    expect(purged).toMatchObject({ messages: 5, conversations: 3, blobs: 5 })
    for (const { id } of olds) expect(await store.conversations.get(id)).toBeUndefined()
    for (const key of oldBlobs) expect(await blobs.get(key)).toBeUndefined()
    expect(Math.max(...metrics.calls.map((c) => c.value))).toBeLessThanOrEqual(2)
  })
})

describe('retention config', () => {
  it('keeps 30 days of messages and 90 of events, purging hourly, unless told otherwise', () => {
    expect(loadConfig({ env: {} }).retention).toEqual({
      messagesDays: 30,
      eventsDays: 90,
      intervalMs: 3_600_000,
    })
    const config = loadConfig({
      env: { CXB_RETENTION__MESSAGES_DAYS: '7', CXB_RETENTION__INTERVAL_MS: '600000' },
    })
    expect(config.retention.messagesDays).toBe(7)
    expect(retentionSingleton(config).everyMs).toBe(600_000)
  })

  it('refuses negative days and intervals under a minute, naming the variable', () => {
    expect(() => loadConfig({ env: { CXB_RETENTION__MESSAGES_DAYS: '-1' } })).toThrow(
      /CXB_RETENTION__MESSAGES_DAYS/,
    )
    expect(() => loadConfig({ env: { CXB_RETENTION__INTERVAL_MS: '1000' } })).toThrow(
      /CXB_RETENTION__INTERVAL_MS/,
    )
  })
})
