import type { Clock } from '../../../../core/ports/clock.ts'
import type { Logger } from '../../../../core/ports/logger.ts'
import type { ConnectorDeps } from '../../../shared/deps.ts'
import type { BotConnector } from '../connector.ts'
import type { ConversationReference } from '../conversation-reference.ts'
import type { ReplyRecords } from './reply-record.ts'
import { renderText } from './stream-activities.ts'
import { type StreamAnswer, streamCall } from './stream-call.ts'
import type { TextSource } from './text-source.ts'

/** Texts and pacing of replies. */
export interface ReplyOptions {
  /** First update of a stream (Teams shows it until the words come). */
  readonly informativeText: string
  /** Least time from one stream answer to the next request (Teams: one request a second). */
  readonly updateIntervalMs: number
  /** The final goes out by then, counted from the start (Teams ends streams at two minutes). */
  readonly finishWithinMs: number
  /** Appended to the text so far when the reply is cut at `finishWithinMs`. */
  readonly truncatedNote: string
  /** The final when no text came by `finishWithinMs`. */
  readonly timeoutText: string
  /** Appended to the text so far when the text source failed. */
  readonly failureNote: string
  /** The final when the source failed (or ended) without any text. */
  readonly failureText: string
}

/** One reply being delivered. */
export interface Scene {
  readonly key: string
  readonly ref: ConversationReference
  /** `{serviceUrl}v3/conversations/{id}/activities` */
  readonly url: string
  readonly log: Logger
  readonly signal: AbortSignal | undefined
}

/** An answer, or the error a call threw (5xx, timeout, auth), for the caller to weigh. */
export type Attempt = StreamAnswer | { readonly kind: 'failed'; readonly error: unknown }

/** What the steps of a reply share. */
export interface ReplyContext {
  readonly clock: Clock
  readonly options: ReplyOptions
  readonly records: ReplyRecords
  attempt(scene: Scene, method: 'POST' | 'PUT', url: string, activity: unknown): Promise<Attempt>
  /** Sleeps until `atMs`, or less when the source changes first. */
  waitForText(scene: Scene, source: TextSource, atMs: number): Promise<void>
}

export function createReplyContext(
  deps: ConnectorDeps,
  connector: BotConnector,
  options: ReplyOptions,
  records: ReplyRecords,
): ReplyContext {
  const clock = deps.clock
  return {
    clock,
    options,
    records,
    async attempt(scene, method, url, activity) {
      try {
        return await streamCall(deps, connector, {
          method,
          url,
          conversationId: scene.ref.conversation.id,
          activity,
          ...(scene.signal ? { signal: scene.signal } : {}),
        })
      } catch (error) {
        if (scene.signal?.aborted) throw error
        return { kind: 'failed', error }
      }
    },
    async waitForText(scene, source, atMs) {
      const ms = atMs - clock.nowMs()
      if (ms <= 0) return
      const stop = new AbortController()
      const signals = scene.signal ? [scene.signal, stop.signal] : [stop.signal]
      const sleeping = clock.sleep(ms, AbortSignal.any(signals)).catch((e: unknown) => {
        if (scene.signal?.aborted) throw e
      })
      await Promise.race([source.changed(), sleeping])
      stop.abort()
      await sleeping
    },
  }
}

/** The final text and how the reply ended, from what the source gave. */
export function finalTextOf(options: ReplyOptions, source: TextSource, cut: boolean, log: Logger) {
  const text = renderText(source.text)
  const has = text.trim().length > 0
  if (cut)
    return {
      outcome: 'truncated' as const,
      text: has ? text + options.truncatedNote : options.timeoutText,
    }
  if (source.error !== undefined || !has) {
    log.warn({ error: source.error !== undefined, empty: !has }, 'bot reply source failed')
    return {
      outcome: 'source-failed' as const,
      text: has ? text + options.failureNote : options.failureText,
    }
  }
  return { outcome: 'complete' as const, text }
}
