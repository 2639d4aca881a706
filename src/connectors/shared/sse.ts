import { textLines } from './text-lines.ts'

/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field; `message` when absent. */
  readonly event: string
  /** The `data:` lines joined with `\n`. */
  readonly data: string
  readonly id?: string
}

/**
 * Parses a text/event-stream body as the HTML Standard's event-stream interpretation does
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation):
 * `:` comments and unknown fields are ignored, one space after the colon is dropped, `data`
 * lines are joined with `\n`, a blank line dispatches, an event without data is not
 * dispatched. Unlike a browser, an event still pending when the stream ends is dispatched (as
 * the OpenAI SDKs do), so a last event without its blank line is not lost.
 */
export async function* sseEvents(
  chunks: AsyncIterable<Uint8Array>,
  maxLineChars: number,
): AsyncGenerator<SseEvent> {
  let event = ''
  let data: string[] = []
  let id: string | undefined
  const dispatch = (): SseEvent | undefined => {
    const ready =
      data.length > 0
        ? { event: event || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}) }
        : undefined
    event = ''
    data = []
    return ready
  }
  for await (const line of textLines(chunks, maxLineChars)) {
    if (line === '') {
      const ready = dispatch()
      if (ready) yield ready
      continue
    }
    if (line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
    else if (field === 'id' && !value.includes('\0')) id = value
  }
  const last = dispatch()
  if (last) yield last
}
