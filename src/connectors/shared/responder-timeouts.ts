import { z } from 'zod'

import { RemoteAmbiguousError } from '../../core/errors.ts'

/** Timeouts of a remote responder, in milliseconds. */
export const responderTimeoutsSchema = z
  .object({
    /** Until the response headers arrive (a model may think a while before its first token). */
    responseMs: z.number().int().min(100).max(300_000).default(30_000),
    /** Longest silence between two chunks of a streamed answer. */
    idleMs: z.number().int().min(100).max(300_000).default(20_000),
    /** The whole answer, from sending the turn to its last chunk. */
    totalMs: z.number().int().min(100).max(600_000).default(120_000),
  })
  .strict()

export type ResponderTimeouts = z.infer<typeof responderTimeoutsSchema>

/**
 * The caller's signal combined with the answer's deadline. When the deadline passes, the
 * request aborts with a RemoteAmbiguousError (`details.timedOut`), which is what the reply
 * then throws. Call `clear()` when the answer ended.
 */
export function answerDeadline(
  totalMs: number,
  host: string,
  signal: AbortSignal | undefined,
): { readonly signal: AbortSignal; clear(): void } {
  const deadline = new AbortController()
  const timer = setTimeout(() => {
    deadline.abort(
      new RemoteAmbiguousError(`${host}: no complete answer within ${totalMs} ms`, {
        details: { host, timedOut: true, totalMs },
      }),
    )
  }, totalMs)
  timer.unref()
  return {
    signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
    clear: () => clearTimeout(timer),
  }
}
