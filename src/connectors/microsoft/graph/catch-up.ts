import type { InboundEnvelope } from '../../../core/events.ts'
import type { IntegrationId } from '../../../core/model/ids.ts'
import type { StateRepository } from '../../../core/ports/store.ts'
import type { GraphClient } from './client.ts'
import { chatMessageToIncoming } from './from-graph.ts'
import { chatAddress, createdKey } from './ids.ts'

/** State namespace of catch-up cursors: key `{integrationId}:{chatId}`, value `{ since }`. */
export const CURSOR_NAMESPACE = 'graph-cursor'

/**
 * Listings are re-read this far before the cursor: timestamps are per millisecond and two
 * messages may share one. Whatever is read twice carries the same dedupe key and is dropped.
 */
const OVERLAP_MS = 5_000

export interface CatchUpDeps {
  readonly integrationId: IntegrationId
  readonly tenantId: string
  readonly graph: Pick<GraphClient, 'messagesModifiedSince'>
  readonly state: StateRepository
  readonly now: () => Date
}

const cursorKey = (integrationId: IntegrationId, chatId: string) => `${integrationId}:${chatId}`

/** Starts watching a chat from now, unless it already has a cursor. */
export async function ensureCursor(deps: CatchUpDeps, chatId: string): Promise<void> {
  const key = cursorKey(deps.integrationId, chatId)
  if ((await deps.state.get(CURSOR_NAMESPACE, key)) === undefined) {
    await deps.state.put(CURSOR_NAMESPACE, key, { since: deps.now().toISOString() })
  }
}

/** Chats of this integration that have a cursor. */
export async function watchedChats(deps: CatchUpDeps): Promise<string[]> {
  const prefix = `${deps.integrationId}:`
  const entries = await deps.state.list(CURSOR_NAMESPACE)
  return entries.filter((e) => e.key.startsWith(prefix)).map((e) => e.key.slice(prefix.length))
}

async function cursorOf(deps: CatchUpDeps, chatId: string): Promise<Date | undefined> {
  const value = await deps.state.get<{ since: string }>(
    CURSOR_NAMESPACE,
    cursorKey(deps.integrationId, chatId),
  )
  const ms = value && typeof value === 'object' ? Date.parse(value.since) : Number.NaN
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

/**
 * The messages created in a chat since its cursor, oldest first, as the envelopes a rich
 * notification would have produced (same dedupe key), so a message both notified and caught up
 * is stored once. Edits of older messages are not replayed, as notifications of edits are not
 * forwarded either. A chat without a cursor starts one now and replays nothing.
 */
export async function catchUpChat(
  deps: CatchUpDeps,
  chatId: string,
  signal?: AbortSignal,
): Promise<InboundEnvelope[]> {
  const cursor = await cursorOf(deps, chatId)
  if (!cursor) {
    await ensureCursor(deps, chatId)
    return []
  }
  const horizon = new Date(cursor.getTime() - OVERLAP_MS)
  const found: Array<{ at: number; envelope: InboundEnvelope }> = []
  for await (const message of deps.graph.messagesModifiedSince(chatId, horizon, signal)) {
    const at = Date.parse(message.createdDateTime ?? '')
    if (Number.isNaN(at) || at <= horizon.getTime()) continue
    const incoming = chatMessageToIncoming(message, deps.tenantId)
    if (!incoming) continue
    found.push({
      at,
      envelope: {
        dedupeKey: createdKey({ chatId, messageId: message.id }),
        address: chatAddress(deps.integrationId, chatId),
        occurredAt: new Date(at).toISOString(),
        event: { type: 'message.created', message: incoming },
      },
    })
  }
  found.sort((a, b) => a.at - b.at || a.envelope.dedupeKey.localeCompare(b.envelope.dedupeKey))
  return found.map((f) => f.envelope)
}

/**
 * Moves the cursor past what the caller has durably stored. Called only after the store, so a
 * crash in between replays (deduped) rather than loses messages.
 */
export async function commitCursor(
  deps: CatchUpDeps,
  chatId: string,
  envelopes: readonly InboundEnvelope[],
): Promise<void> {
  const newest = Math.max(...envelopes.map((e) => Date.parse(e.occurredAt)).filter(Number.isFinite))
  if (!Number.isFinite(newest)) return
  const cursor = await cursorOf(deps, chatId)
  if (cursor && cursor.getTime() >= newest) return
  await deps.state.put(CURSOR_NAMESPACE, cursorKey(deps.integrationId, chatId), {
    since: new Date(newest).toISOString(),
  })
}
