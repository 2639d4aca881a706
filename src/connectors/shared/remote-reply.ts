import { classifyResponderFailure } from '../../core/policies/responder-failure.ts'
import type {
  Responder,
  ResponderContext,
  ResponderFinish,
  ResponderKind,
  ResponderReply,
  ResponderTurn,
} from '../../core/ports/responder.ts'
import { replyFrom } from './responder-reply.ts'
import { answerDeadline } from './responder-timeouts.ts'
import type { AnswerReader, HttpStream } from './stream-request.ts'

export interface RemoteReplyOptions {
  readonly responder: ResponderKind
  readonly host: string
  /** The whole answer's deadline. */
  readonly totalMs: number
  /** Turns an error into the one to throw (e.g. an exhausted quota into a permanent error). */
  readonly reclassify?: (error: unknown) => unknown
}

/**
 * The reply of a remote responder: `run` gets a signal that aborts at the caller's abort or at
 * the answer's deadline; a failure is logged once with safe fields, then thrown.
 */
export function remoteReply(
  ctx: ResponderContext,
  options: RemoteReplyOptions,
  run: (signal: AbortSignal) => AsyncGenerator<string, ResponderFinish>,
): ResponderReply {
  return replyFrom(async function* () {
    const deadline = answerDeadline(options.totalMs, options.host, ctx.signal)
    try {
      return yield* run(deadline.signal)
    } catch (error) {
      const thrown = options.reclassify?.(error) ?? error
      logResponderFailure(ctx, thrown, { responder: options.responder, host: options.host })
      throw thrown
    } finally {
      deadline.clear()
    }
  })
}

/**
 * A Responder over HTTP: each turn opens one answer stream (`open`, given the signal of
 * remoteReply) and `read` turns it into the reply. `options.responder` is also its kind.
 */
export function streamingResponder(
  options: RemoteReplyOptions,
  open: (turn: ResponderTurn, signal: AbortSignal) => Promise<HttpStream>,
  read: AnswerReader<ResponderFinish>,
): Responder {
  return {
    kind: options.responder,
    respond: (turn, ctx) =>
      remoteReply(ctx, options, async function* (signal) {
        return yield* read(await open(turn, signal), options.host)
      }),
  }
}

/**
 * Logs a responder's failure with safe fields only (error code, status, the remote's error
 * code): never the secret, the turn's text or the remote's own words. A cancellation by the
 * caller is not a failure and is logged at debug.
 */
export function logResponderFailure(
  ctx: ResponderContext,
  error: unknown,
  bindings: Readonly<Record<string, unknown>>,
): void {
  const failure = classifyResponderFailure(error, ctx.signal?.aborted === true)
  const fields = { ...bindings, ...failure.logFields }
  if (failure.kind === 'cancelled') ctx.log.debug(fields, 'responder cancelled')
  else if (failure.kind === 'unexpected') ctx.log.error(fields, 'responder failed')
  else ctx.log.warn(fields, 'responder failed')
}
