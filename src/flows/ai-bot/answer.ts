import {
  classifyResponderFailure,
  INTERRUPTED_SUFFIX,
  type ResponderFailure,
} from '../../core/policies/responder-failure.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { ResponderReply } from '../../core/ports/responder.ts'

/**
 * A responder's reply as the text to deliver: its deltas as they come, and where it fails (a
 * timeout, a 429, a refusal, a missing secret) a short polite message instead, or a note after
 * what was already shown. Only the failure's class is logged here, never a secret or the user's
 * text, and it is reported through `onFailure`. Stopping the iteration ends the reply.
 */
export async function* politeAnswer(
  start: () => ResponderReply,
  stop: AbortSignal,
  log: Logger,
  onFailure: (failure: ResponderFailure) => void,
): AsyncGenerator<string> {
  let shown = false
  try {
    const reply = start()
    for await (const delta of reply) {
      if (!delta) continue
      shown = true
      yield delta
    }
    // A responder that answers without deltas still has its whole text here.
    const { text } = await reply.result()
    if (!shown && text) yield text
  } catch (error) {
    const failure = classifyResponderFailure(error, stop.aborted)
    if (failure.kind === 'cancelled') return
    // Remote responders log the failure's safe fields themselves; this says what the user got.
    log.info({ failure: failure.kind }, 'responder gave no answer: the user got a polite message')
    onFailure(failure)
    yield shown ? INTERRUPTED_SUFFIX : failure.userText
  }
}

/** A fixed text as a reply's deltas. */
export async function* fixedText(text: string): AsyncGenerator<string> {
  yield text
}
