import { UnexpectedError } from '../../core/errors.ts'
import type {
  ResponderFinish,
  ResponderReply,
  ResponderResult,
} from '../../core/ports/responder.ts'

/**
 * A ResponderReply over a generator that yields the deltas and returns how the answer
 * finished. Nothing runs until the reply is iterated or its result awaited. Leaving the
 * iteration early closes the generator (its `finally` releases the connection) and makes
 * `result()` reject.
 */
export function replyFrom(produce: () => AsyncGenerator<string, ResponderFinish>): ResponderReply {
  let started = false
  let settle!: { resolve(result: ResponderResult): void; reject(error: unknown): void }
  const settled = new Promise<ResponderResult>((resolve, reject) => {
    settle = { resolve, reject }
  })
  // Whoever iterates receives the same error from the iterator; result() may never be called.
  settled.catch(() => {})

  async function* deltas(): AsyncGenerator<string> {
    const source = produce()
    let text = ''
    let ended = false
    try {
      for (;;) {
        const step = await source.next()
        if (step.done) {
          ended = true
          settle.resolve({ text, finish: step.value })
          return
        }
        if (step.value === '') continue
        text += step.value
        yield step.value
      }
    } catch (error) {
      ended = true
      settle.reject(error)
      throw error
    } finally {
      if (!ended) {
        settle.reject(new UnexpectedError('the reply was not read to the end'))
        await source.return(undefined as never)
      }
    }
  }

  const iterate = () => {
    if (started) throw new UnexpectedError('a reply can be iterated only once')
    started = true
    return deltas()
  }

  return {
    [Symbol.asyncIterator]: iterate,
    async result() {
      if (!started) {
        for await (const _delta of iterate()) {
          // read to the end; the text is collected by deltas()
        }
      }
      return settled
    },
  }
}
