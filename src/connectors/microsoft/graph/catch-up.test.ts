import { describe, expect, it } from 'vitest'

import { integrationId } from '../../../core/model/ids.ts'
import type { JsonValue } from '../../../core/model/json.ts'
import type { StateRepository } from '../../../core/ports/store.ts'
import {
  catchUpChat,
  type CatchUpDeps,
  commitCursor,
  CURSOR_NAMESPACE,
  ensureCursor,
} from './catch-up.ts'
import type { ChatMessage } from './wire.ts'

const CHAT = '19:abc@thread.v2'

function memoryState(): StateRepository {
  const data = new Map<string, JsonValue>()
  return {
    get: async <T extends JsonValue>(ns: string, key: string) =>
      data.get(`${ns}/${key}`) as T | undefined,
    put: async (ns, key, value) => void data.set(`${ns}/${key}`, value),
    delete: async (ns, key) => void data.delete(`${ns}/${key}`),
    list: async <T extends JsonValue>(ns: string) =>
      [...data]
        .filter(([k]) => k.startsWith(`${ns}/`))
        .map(([k, value]) => ({ key: k.slice(ns.length + 1), value: value as T })),
    purgeBefore: () => Promise.reject(new Error('unexpected state.purgeBefore')),
  }
}

const msg = (id: string, created: string, modified = created): ChatMessage => ({
  id,
  messageType: 'message',
  createdDateTime: created,
  lastModifiedDateTime: modified,
  from: { user: { id: 'u1', displayName: 'Ann' } },
  body: { contentType: 'text', content: `text ${id}` },
})

function setup(messages: ChatMessage[]) {
  const asked: Date[] = []
  const deps: CatchUpDeps = {
    integrationId: integrationId('i1'),
    tenantId: 't1',
    state: memoryState(),
    now: () => new Date('2026-01-01T10:00:00Z'),
    graph: {
      async *messagesModifiedSince(_chatId, since) {
        asked.push(since)
        // Graph's order: newest modification first.
        yield* messages
          .filter((m) => Date.parse(m.lastModifiedDateTime!) > since.getTime())
          .sort((a, b) => Date.parse(b.lastModifiedDateTime!) - Date.parse(a.lastModifiedDateTime!))
      },
    },
  }
  return { deps, asked }
}

describe('catch-up', () => {
  it('starts a cursor for an unknown chat and replays nothing', async () => {
    const { deps, asked } = setup([msg('1', '2026-01-01T09:00:00Z')])
    expect(await catchUpChat(deps, CHAT)).toEqual([])
    expect(asked).toEqual([])
    expect(await deps.state.get(CURSOR_NAMESPACE, `i1:${CHAT}`)).toEqual({
      since: '2026-01-01T10:00:00.000Z',
    })
  })

  it('replays messages created after the cursor, oldest first, skipping edits of older ones', async () => {
    const { deps } = setup([
      msg('old', '2026-01-01T09:00:00Z', '2026-01-01T10:30:00Z'),
      msg('b', '2026-01-01T10:20:00Z'),
      msg('a', '2026-01-01T10:10:00Z', '2026-01-01T10:40:00Z'),
    ])
    await ensureCursor(deps, CHAT)
    const envelopes = await catchUpChat(deps, CHAT)
    expect(envelopes.map((e) => e.dedupeKey)).toEqual([
      `graph:${CHAT}:a:created`,
      `graph:${CHAT}:b:created`,
    ])
    expect(envelopes[0]).toMatchObject({
      address: { key: CHAT, integrationId: 'i1' },
      occurredAt: '2026-01-01T10:10:00.000Z',
      event: { type: 'message.created', message: { remoteMessageId: 'a', text: 'text a' } },
    })
  })

  it('moves the cursor only when committed, and then replays nothing twice', async () => {
    const { deps, asked } = setup([
      msg('a', '2026-01-01T10:10:00Z'),
      msg('b', '2026-01-01T10:20:00Z'),
    ])
    await ensureCursor(deps, CHAT)
    const first = await catchUpChat(deps, CHAT)
    expect(await catchUpChat(deps, CHAT)).toEqual(first) // not committed: same again
    await commitCursor(deps, CHAT, first)
    const again = await catchUpChat(deps, CHAT)
    // The overlap re-reads the newest message; its key is the one already stored.
    expect(again.map((e) => e.dedupeKey)).toEqual([`graph:${CHAT}:b:created`])
    expect(asked.at(-1)?.toISOString()).toBe('2026-01-01T10:19:55.000Z')
  })
})
