import type { EmulatorClock } from '../../kit/clock.ts'
import type { Availability } from '../types.ts'
import type { ChangeFeed } from './changes.ts'

export interface PresenceJson {
  id: string
  availability: Availability
  activity: string
  statusMessage: null
}

interface Session {
  availability: Availability
  activity: string
  expiresAtMs: number
}

// Among app sessions the strongest state wins: "DoNotDisturb ... > Busy > Available > Away"
// (https://learn.microsoft.com/graph/api/presence-setpresence).
const RANK: Partial<Record<Availability, number>> = {
  DoNotDisturb: 4,
  Busy: 3,
  Available: 2,
  Away: 1,
}

/**
 * Presence per user: what the user set in Teams (control API) wins over app sessions
 * (setPresence); with neither, the user is Offline.
 */
export class PresenceBook {
  readonly #userSet = new Map<string, { availability: Availability; activity: string }>()
  readonly #sessions = new Map<string, Map<string, Session>>()
  readonly #clock: EmulatorClock
  readonly #changes: ChangeFeed

  constructor(clock: EmulatorClock, changes: ChangeFeed) {
    this.#clock = clock
    this.#changes = changes
  }

  setByUser(userId: string, availability: Availability, activity: string): void {
    this.#changing(userId, () => this.#userSet.set(userId, { availability, activity }))
  }

  setSession(userId: string, sessionId: string, session: Session): void {
    this.#changing(userId, () => {
      let sessions = this.#sessions.get(userId)
      if (!sessions) {
        sessions = new Map()
        this.#sessions.set(userId, sessions)
      }
      sessions.set(sessionId, session)
    })
  }

  /** Returns false when the session does not exist (the API answers 404). */
  clearSession(userId: string, sessionId: string): boolean {
    let existed = false
    this.#changing(userId, () => {
      existed = this.#sessions.get(userId)?.delete(sessionId) ?? false
    })
    return existed
  }

  /** Runs a mutation and emits an `updated` change when the effective presence moved. */
  #changing(userId: string, mutate: () => void): void {
    const before = this.get(userId)
    mutate()
    const after = this.get(userId)
    if (before.availability !== after.availability || before.activity !== after.activity) {
      this.#changes.emit({ resource: 'presence', changeType: 'updated', userId, presence: after })
    }
  }

  get(userId: string, nowMs = this.#clock.nowMs()): PresenceJson {
    const own = this.#userSet.get(userId)
    if (own) return { id: userId, ...own, statusMessage: null }
    const live = [...(this.#sessions.get(userId)?.values() ?? [])].filter(
      (s) => s.expiresAtMs > nowMs,
    )
    live.sort((a, b) => (RANK[b.availability] ?? 0) - (RANK[a.availability] ?? 0))
    const best = live[0]
    if (!best)
      return { id: userId, availability: 'Offline', activity: 'Offline', statusMessage: null }
    return {
      id: userId,
      availability: best.availability,
      activity: best.activity,
      statusMessage: null,
    }
  }
}
