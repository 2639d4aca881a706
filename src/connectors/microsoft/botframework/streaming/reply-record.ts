import type { StateRepository } from '../../../../core/ports/store.ts'

/**
 * How far the reply under one idempotency key got, written before and after each step that
 * reaches Teams, so a retried job neither posts a second reply nor loses one:
 *
 * - `streaming`: a stream was started (its informative update was accepted); no final was sent.
 * - `finalizing`: the final text is fixed and its sending began. Sending the final of a stream
 *   again is safe (Teams refuses a second one as "already completed"); for a plain message,
 *   `inFlight` says a POST may have landed unrecorded.
 * - `delivered`: done; nothing is sent again.
 */
export type ReplyRecord =
  | { readonly phase: 'streaming'; readonly streamId: string; readonly updates: number }
  | {
      readonly phase: 'finalizing'
      readonly streamId?: string
      /** The final text, split into the messages it takes. */
      readonly parts: string[]
      /** Activity ids of the parts already delivered, in order. */
      readonly sentIds: string[]
      readonly inFlight: boolean
      readonly outcome: ReplyOutcome
      readonly updates: number
    }
  | {
      readonly phase: 'delivered'
      readonly mode: 'stream' | 'message'
      readonly outcome: ReplyOutcome
      readonly activityId?: string
      readonly text: string
      readonly updates: number
    }

/** How the reply ended for the user (see StreamReplyResult). */
export type ReplyOutcome = 'complete' | 'truncated' | 'cancelled' | 'source-failed' | 'unconfirmed'

export const REPLY_NAMESPACE = 'botframework-reply'

export interface ReplyRecords {
  get(key: string): Promise<ReplyRecord | undefined>
  put(key: string, record: ReplyRecord): Promise<void>
}

export function replyRecords(state: StateRepository): ReplyRecords {
  return {
    get: (key) => state.get(REPLY_NAMESPACE, key) as Promise<ReplyRecord | undefined>,
    put: (key, record) => state.put(REPLY_NAMESPACE, key, record as never),
  }
}
