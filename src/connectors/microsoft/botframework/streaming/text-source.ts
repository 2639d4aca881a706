/**
 * Reads an async iterable of text deltas in the background, so a sender can look at the text
 * so far whenever it may send and wait for more without consuming the iterator itself.
 */
export interface TextSource {
  /** Everything received so far. */
  readonly text: string
  /** The iterable ended (normally or with `error`). */
  readonly finished: boolean
  readonly error: unknown
  /** Resolves on the next delta or the end (at once when already finished). */
  changed(): Promise<void>
  /** Stops reading: calls the iterator's `return()` (a model stream closes its request). */
  stop(): void
}

/** `onStop` runs once when reading stops early (`stop()`), e.g. to abort the request behind it. */
export function readDeltas(
  deltas: AsyncIterable<string>,
  onStop: () => void = () => {},
): TextSource {
  const iterator = deltas[Symbol.asyncIterator]()
  let text = ''
  let finished = false
  let stopped = false
  let error: unknown
  let waiters: Array<() => void> = []
  const wake = () => {
    const woken = waiters
    waiters = []
    for (const resolve of woken) resolve()
  }

  void (async () => {
    try {
      while (!stopped) {
        const next = await iterator.next()
        if (next.done || stopped) break
        text += String(next.value)
        wake()
      }
    } catch (cause) {
      if (!stopped) error = cause
    } finally {
      finished = true
      wake()
    }
  })()

  return {
    get text() {
      return text
    },
    get finished() {
      return finished
    },
    get error() {
      return error
    },
    changed: () => (finished ? Promise.resolve() : new Promise<void>((r) => waiters.push(r))),
    stop() {
      if (stopped) return
      stopped = true
      finished = true
      wake()
      onStop()
      void Promise.resolve(iterator.return?.()).catch(() => {})
    },
  }
}
