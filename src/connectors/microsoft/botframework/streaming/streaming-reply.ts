import type { RemoteAddress } from '../../../../core/model/remote-address.ts'
import type { Logger } from '../../../../core/ports/logger.ts'
import type { ConnectorDeps } from '../../../shared/deps.ts'
import { type BotConnection, createBotConnector } from '../connector.ts'
import type { ConversationReference } from '../conversation-reference.ts'
import { createReplyContext, type ReplyOptions, type Scene } from './reply-context.ts'
import { finishStream, resultOf, sendParts } from './reply-finish.ts'
import { single, streamed } from './reply-modes.ts'
import { type ReplyOutcome, replyRecords } from './reply-record.ts'
import { readDeltas } from './text-source.ts'

/** Texts and pacing of replies. */
export type StreamingReplyOptions = ReplyOptions

export const DEFAULT_REPLY_OPTIONS = {
  informativeText: 'Thinking…',
  updateIntervalMs: 1_000,
  finishWithinMs: 100_000,
  truncatedNote: '\n\n_(This reply was cut short because it took too long.)_',
  timeoutText: 'Sorry, this is taking too long. Please try again in a moment.',
  failureNote: '\n\n_(This reply is incomplete: something went wrong while writing it.)_',
  failureText: 'Sorry, something went wrong while answering. Please try again.',
} as const satisfies StreamingReplyOptions

export interface StreamReplyInput {
  /** A Bot Framework conversation reference (what the bot webhook stores as the address). */
  readonly to: RemoteAddress
  /**
   * The reply as it is written, in pieces (model tokens). As a function it gets a signal that
   * is aborted once the sender stops reading (done, cut at `finishWithinMs`, stopped by the
   * user), to end the model request behind it.
   */
  readonly deltas: AsyncIterable<string> | ((stop: AbortSignal) => AsyncIterable<string>)
  /** The same on every retry of the job: a reply is delivered once per key. */
  readonly idempotencyKey: string
  readonly log: Logger
  readonly signal?: AbortSignal
  /**
   * The caller's own record, asked before anything is sent when this sender has none for the
   * key (e.g. the conversation already shows the answer): true sends nothing.
   */
  readonly alreadyDelivered?: () => Promise<boolean>
  /** `false`: one message at the end even in a 1:1 chat (the integration turned streaming off). */
  readonly stream?: boolean
}

export interface StreamReplyResult {
  /**
   * `complete`; `truncated` (cut at `finishWithinMs`, with the note); `cancelled` (the user
   * pressed Stop); `source-failed` (the deltas threw or were empty: what came, with the note, or
   * `failureText`); `unconfirmed` (a message's POST may have landed unrecorded and was not sent
   * again, so as not to post it twice).
   */
  readonly outcome: ReplyOutcome
  /** Nothing was sent by this call: an earlier attempt (or the caller's check) delivered it. */
  readonly alreadyDelivered: boolean
  readonly mode: 'stream' | 'message'
  /** The streamed message's id, or the first plain message's. */
  readonly activityId?: string
  /** The final text (empty when unknown: the caller's check said delivered). */
  readonly text: string
  /** Interim updates Teams accepted, the informative one included. */
  readonly updates: number
}

export interface StreamingReplySender {
  /**
   * Delivers one reply: in a 1:1 chat as a Teams stream (informative update, then the text so
   * far at most about once a second, then the final), elsewhere as one message at the end.
   */
  reply(input: StreamReplyInput): Promise<StreamReplyResult>
  /** The recorded result when the reply under this key was delivered. */
  delivered(idempotencyKey: string): Promise<StreamReplyResult | undefined>
}

const isPersonal = (ref: ConversationReference) =>
  ref.conversation.conversationType === 'personal' ||
  (ref.conversation.conversationType === undefined && ref.conversation.id.startsWith('a:'))

/**
 * Replies into Teams as the bot, streaming in 1:1 chats
 * (https://learn.microsoft.com/microsoftteams/platform/bots/streaming-ux: "Streaming bot
 * messages are supported only in one-on-one chats", "The throttling limit is 1 request per
 * second", a stream must end "within the strict time limit of two minutes").
 *
 * Deltas are coalesced: an update carries the whole text so far and goes out no sooner than
 * `updateIntervalMs` after the previous answer. A 429 holds the conversation for its
 * Retry-After; a dropped (out-of-order) or failed update is left for the next. By
 * `finishWithinMs` the final is sent with the text so far and a note, or `timeoutText`. Each step
 * is recorded under the idempotency key (reply-record.ts), so a retried job resumes: a recorded
 * final is sent again (Teams refuses a second final, so it cannot show twice), a delivered reply
 * is not sent again.
 */
export function createStreamingReplySender(
  bot: BotConnection,
  deps: ConnectorDeps,
  overrides: Partial<StreamingReplyOptions> = {},
): StreamingReplySender {
  const connector = createBotConnector(bot, deps)
  const options: StreamingReplyOptions = { ...DEFAULT_REPLY_OPTIONS, ...overrides }
  const ctx = createReplyContext(deps, connector, options, replyRecords(deps.state))

  return {
    async reply(input) {
      const { ref, url } = connector.target(input.to)
      const streams = isPersonal(ref) && input.stream !== false
      const scene: Scene = {
        key: input.idempotencyKey,
        ref,
        url,
        log: input.log,
        signal: input.signal,
      }
      const record = await ctx.records.get(scene.key)
      if (record?.phase === 'delivered') return resultOf(record, true)
      if (record?.phase === 'finalizing') {
        input.log.info({ streamed: record.streamId !== undefined }, 'bot reply resumed')
        return record.streamId !== undefined && record.sentIds.length === 0
          ? finishStream(ctx, scene, record, record.streamId)
          : sendParts(ctx, scene, record, record.streamId !== undefined ? 'stream' : 'message')
      }
      if (!record && input.alreadyDelivered && (await input.alreadyDelivered())) {
        return {
          outcome: 'complete',
          alreadyDelivered: true,
          mode: streams ? 'stream' : 'message',
          text: '',
          updates: 0,
        }
      }
      if (record?.phase === 'streaming')
        input.log.warn(
          { streamId: record.streamId },
          'an earlier attempt left its stream unfinished: streaming the reply again',
        )
      const deadline = deps.clock.nowMs() + ctx.options.finishWithinMs
      const stop = new AbortController()
      const source = readDeltas(
        typeof input.deltas === 'function' ? input.deltas(stop.signal) : input.deltas,
        () => stop.abort(),
      )
      try {
        return streams
          ? await streamed(ctx, scene, source, deadline)
          : await single(ctx, scene, source, deadline)
      } finally {
        source.stop()
      }
    },

    async delivered(idempotencyKey) {
      const record = await ctx.records.get(idempotencyKey)
      return record?.phase === 'delivered' ? resultOf(record, true) : undefined
    },
  }
}
