import { PayloadTooLargeError } from '../../core/errors.ts'

/**
 * Splits a byte stream into lines ending in `\n`, `\r\n` or `\r` (the line ends of
 * text/event-stream and NDJSON), decoding UTF-8 across chunk boundaries. The last line is
 * yielded even without a line end. A line longer than `maxLineChars` throws
 * PayloadTooLargeError before it is buffered whole.
 */
export async function* textLines(
  chunks: AsyncIterable<Uint8Array>,
  maxLineChars: number,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8')
  let pending = ''
  // A `\r` ending one chunk may be the first half of a `\r\n` split across chunks.
  let skipLeadingLf = false
  const tooLong = () =>
    new PayloadTooLargeError(`a line exceeds ${maxLineChars} characters`, {
      details: { maxLineChars },
    })
  for await (const chunk of chunks) {
    let text = decoder.decode(chunk, { stream: true })
    if (skipLeadingLf && text.length > 0) {
      if (text.startsWith('\n')) text = text.slice(1)
      skipLeadingLf = false
    }
    let start = 0
    for (let i = 0; i < text.length; i++) {
      const char = text[i]
      if (char !== '\n' && char !== '\r') continue
      const line = pending + text.slice(start, i)
      pending = ''
      if (line.length > maxLineChars) throw tooLong()
      yield line
      if (char === '\r') {
        if (i + 1 < text.length) {
          if (text[i + 1] === '\n') i++
        } else {
          skipLeadingLf = true
        }
      }
      start = i + 1
    }
    pending += text.slice(start)
    if (pending.length > maxLineChars) throw tooLong()
  }
  pending += decoder.decode()
  if (pending.length > 0) yield pending
}
