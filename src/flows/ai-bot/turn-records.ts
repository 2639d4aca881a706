import type { JsonValue } from '../../core/model/json.ts'
import type { StateRepository } from '../../core/ports/store.ts'

/**
 * A finished turn, kept as the conversation's history (it outlives the session and the
 * integration, not `retention.messagesDays`) and so that a retried job does nothing twice.
 */
export interface TurnRecord {
  /** `answered`: the responder's reply went out; `refused`: allowFrom; `reset`; `ignored`. */
  readonly outcome: 'answered' | 'failed' | 'refused' | 'reset' | 'ignored'
  readonly conversation: string
  readonly userId: string
  readonly question: string
  readonly answer: string
  /** ISO 8601. */
  readonly at: string
}

export const TURN_NAMESPACE = 'ai-bot-turn'

export function turnRecords(state: StateRepository) {
  return {
    get: (key: string) => state.get(TURN_NAMESPACE, key) as Promise<TurnRecord | undefined>,
    put: (key: string, record: TurnRecord) =>
      state.put(TURN_NAMESPACE, key, record as unknown as JsonValue),
  }
}
