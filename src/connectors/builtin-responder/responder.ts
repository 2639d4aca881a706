import type { Clock } from '../../core/ports/clock.ts'
import type { Responder, ResponderFinish } from '../../core/ports/responder.ts'
import { replyFrom } from '../shared/responder-reply.ts'
import { answerFor, chunksOf } from './answers.ts'
import type { BuiltinResponderSettings } from './settings.ts'

const CHUNKS = 4

/** The sandbox's responder: deterministic answers streamed in a few chunks, no network. */
export function createBuiltinResponder(
  settings: BuiltinResponderSettings,
  deps: { readonly clock: Clock },
): Responder {
  return {
    kind: 'builtin',
    respond: (turn, ctx) =>
      replyFrom(async function* (): AsyncGenerator<string, ResponderFinish> {
        const chunks = chunksOf(answerFor(turn, settings.botName), CHUNKS)
        for (const [i, chunk] of chunks.entries()) {
          if (ctx.signal?.aborted) throw ctx.signal.reason
          if (i > 0 && settings.chunkDelayMs > 0)
            await deps.clock.sleep(settings.chunkDelayMs, ctx.signal)
          yield chunk
        }
        return 'stop'
      }),
  }
}
