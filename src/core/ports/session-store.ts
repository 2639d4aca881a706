import type { IntegrationId } from '../model/ids.ts'

/** Whose conversation with a bot: one session per integration and user. */
export interface SessionKey {
  readonly integrationId: IntegrationId
  /** The user's id on the channel (e.g. the Teams user's AAD object id). */
  readonly userId: string
}

export interface SessionTurn {
  readonly role: 'user' | 'bot'
  readonly text: string
  readonly at: Date
}

export interface Session {
  readonly startedAt: Date
  /** When the session ends by itself (its start plus the session duration); none: never. */
  readonly expiresAt: Date | undefined
  /** Oldest first; the oldest are dropped beyond the store's limit. */
  readonly turns: readonly SessionTurn[]
}

/**
 * Bot conversation context that outlives one message: what the user and the bot said within
 * the session window. Shared by every process (Redis in the scaled deployment).
 */
export interface SessionStore {
  /** The live session, or undefined when there is none or it expired. */
  current(key: SessionKey): Promise<Session | undefined>
  /**
   * Adds turns (stamped now) to the live session, or to a fresh one when none is live
   * (`started: true`), which expires `durationMs` after it starts (undefined: never). Safe
   * against concurrent appends from other processes.
   */
  append(
    key: SessionKey,
    turns: ReadonlyArray<Omit<SessionTurn, 'at'>>,
    options: { readonly durationMs: number | undefined },
  ): Promise<{ readonly session: Session; readonly started: boolean }>
  /** Ends the session (`///restart`, `///reset`, `///new`): the next append starts afresh. */
  reset(key: SessionKey): Promise<void>
}
