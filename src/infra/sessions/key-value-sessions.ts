import { z } from 'zod'

import { ConflictError } from '../../core/errors.ts'
import type { JsonObject } from '../../core/model/json.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { KeyValueStore } from '../../core/ports/key-value.ts'
import type { Session, SessionKey, SessionStore } from '../../core/ports/session-store.ts'

export interface KeyValueSessionOptions {
  readonly kv: KeyValueStore
  readonly clock: Clock
  /** Turns kept per session, newest last (default 50). */
  readonly maxTurns?: number
}

/** The key the sessions of an integration's user live under (as the Teams bot platforms use). */
export const sessionKeyOf = ({ integrationId, userId }: SessionKey): string =>
  `teams-session-${integrationId}-${userId}`

const storedSession = z.object({
  startedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  turns: z.array(
    z.object({ role: z.enum(['user', 'bot']), text: z.string(), at: z.iso.datetime() }),
  ),
})

/**
 * Every round of racing appends lets one of them land, so N appends at once need at most N
 * rounds. One user's messages normally come one at a time (one queue lane); this bounds the rest.
 */
const MAX_ATTEMPTS = 64

/**
 * Sessions as key-value entries that expire with the session (the entry's TTL is what is left
 * of the window), so the key-value store removes them itself. Appends are read-modify-write
 * guarded by compare-and-set, so two processes appending at once both land.
 */
export function createKeyValueSessionStore(options: KeyValueSessionOptions): SessionStore {
  const { kv, clock } = options
  const maxTurns = options.maxTurns ?? 50

  const read = async (key: SessionKey) => {
    const entry = await kv.get(sessionKeyOf(key))
    const parsed = entry && storedSession.safeParse(entry.value)
    // An entry this code cannot read (hand-edited, older format) counts as no session.
    const session = parsed?.success ? decode(parsed.data) : undefined
    const live = session && (!session.expiresAt || session.expiresAt > clock.now())
    return { revision: entry?.revision, session: live ? session : undefined }
  }

  return {
    current: async (key) => (await read(key)).session,

    async append(key, turns, { durationMs }) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { revision, session } = await read(key)
        const now = clock.now()
        const base: Session = session ?? {
          startedAt: now,
          expiresAt: durationMs === undefined ? undefined : new Date(now.getTime() + durationMs),
          turns: [],
        }
        const next: Session = {
          ...base,
          turns: [...base.turns, ...turns.map((t) => ({ ...t, at: now }))].slice(-maxTurns),
        }
        const ttlMs = next.expiresAt && next.expiresAt.getTime() - now.getTime()
        const wrote = await kv.compareAndSet(
          sessionKeyOf(key),
          revision,
          encode(next),
          ttlMs === undefined ? {} : { ttlMs },
        )
        if (wrote) return { session: next, started: !session }
      }
      throw new ConflictError(`session ${sessionKeyOf(key)} kept changing under this append`)
    },

    async reset(key) {
      await kv.delete(sessionKeyOf(key))
    },
  }
}

function decode(stored: z.infer<typeof storedSession>): Session {
  return {
    startedAt: new Date(stored.startedAt),
    expiresAt: stored.expiresAt === null ? undefined : new Date(stored.expiresAt),
    turns: stored.turns.map((t) => ({ role: t.role, text: t.text, at: new Date(t.at) })),
  }
}

function encode(session: Session): JsonObject {
  return {
    startedAt: session.startedAt.toISOString(),
    expiresAt: session.expiresAt?.toISOString() ?? null,
    turns: session.turns.map((t) => ({ role: t.role, text: t.text, at: t.at.toISOString() })),
  }
}
