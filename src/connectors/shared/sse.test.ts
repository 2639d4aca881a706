import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { PayloadTooLargeError } from '../../core/errors.ts'
import { sseEvents } from './sse.ts'
import { textLines } from './text-lines.ts'

async function* bytes(...parts: Array<string | Uint8Array>) {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part
}
const collect = async <T>(items: AsyncIterable<T>) => {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

describe('textLines', () => {
  it('splits on \\n, \\r\\n and \\r, also across chunks, and keeps a last line without an end', async () => {
    expect(await collect(textLines(bytes('a\nb\r\nc\rd', '\r', '\ne\r\n\nf'), 100))).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
      '',
      'f',
    ])
  })

  it('decodes UTF-8 split across chunks', async () => {
    const euro = new TextEncoder().encode('€ ok\n')
    expect(await collect(textLines(bytes(euro.slice(0, 1), euro.slice(1)), 100))).toEqual(['€ ok'])
  })

  it('refuses a line longer than the limit, even before its end arrives', async () => {
    await expect(collect(textLines(bytes('x'.repeat(11)), 10))).rejects.toBeInstanceOf(
      PayloadTooLargeError,
    )
  })

  it('yields the same lines however the bytes are split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('a', 'é', '\n', '\r', '\r\n', ' '), { maxLength: 30 }),
        fc.array(fc.nat(40), { maxLength: 5 }),
        async (pieces, cuts) => {
          const data = new TextEncoder().encode(pieces.join(''))
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b)
          const parts = [0, ...points, data.length]
            .slice(1)
            .map((end, i) => data.slice([0, ...points][i], end))
          const whole = await collect(textLines(bytes(data), 1000))
          expect(await collect(textLines(bytes(...parts), 1000))).toEqual(whole)
        },
      ),
    )
  })
})

describe('sseEvents', () => {
  it('follows the event-stream interpretation rules', async () => {
    const stream = bytes(
      ': keep-alive comment\n',
      'data: {"a":1}\n\n',
      'event: error\ndata:first\ndata: second\nid: 7\n\n',
      'retry: 10\nunknown: x\n\n',
      'data\n\n',
      'data: last without blank line',
    )
    expect(await collect(sseEvents(stream, 1000))).toEqual([
      { event: 'message', data: '{"a":1}' },
      { event: 'error', data: 'first\nsecond', id: '7' },
      { event: 'message', data: '', id: '7' },
      { event: 'message', data: 'last without blank line', id: '7' },
    ])
  })

  it('drops only one space after the colon', async () => {
    expect(await collect(sseEvents(bytes('data:  two spaces\n\n'), 100))).toEqual([
      { event: 'message', data: ' two spaces' },
    ])
  })
})
