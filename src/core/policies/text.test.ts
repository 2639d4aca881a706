import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import { sanitizeText, splitText, truncateText } from './text.ts'

describe('sanitizeText', () => {
  it.each([
    ['keeps plain text', 'Hello, world', 'Hello, world'],
    ['keeps \\n and \\t', 'a\n\tb', 'a\n\tb'],
    ['normalizes CRLF and CR', 'a\r\nb\rc', 'a\nb\nc'],
    ['normalizes line and paragraph separators', 'a\u2028b\u2029c', 'a\nb\nc'],
    ['drops C0 controls and DEL', 'a\u0000b\u0007c\u001bd\u007fe', 'abcde'],
    ['drops C1 controls', 'a\u0085b\u009fc', 'abc'],
    ['drops bidi overrides and isolates', 'a\u202Eevil\u202Cb\u2066c\u2069', 'aevilbc'],
    ['keeps emoji with ZWJ', '👩‍💻 ok', '👩‍💻 ok'],
    ['replaces a lone surrogate', 'a\uD800b', 'a\uFFFDb'],
  ])('%s', (_name, input, expected) => {
    expect(sanitizeText(input)).toBe(expected)
  })

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const once = sanitizeText(s)
        expect(sanitizeText(once)).toBe(once)
      }),
    )
  })

  it('never leaves a control character other than \\n and \\t', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        // eslint-disable-next-line no-control-regex
        expect(sanitizeText(s)).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\r]/)
      }),
    )
  })
})

describe('truncateText', () => {
  it.each([
    ['short text unchanged', 'hello', 10, 'hello'],
    ['long text gets an ellipsis within the limit', 'hello world', 6, 'hello…'],
    ['does not split a surrogate pair', 'ab😀cd', 4, 'ab…'],
  ])('%s', (_name, input, max, expected) => {
    expect(truncateText(input, max)).toBe(expected)
    expect(truncateText(input, max).length).toBeLessThanOrEqual(max)
  })
})

describe('splitText', () => {
  it.each([
    ['empty text gives no parts', '', 10, []],
    ['short text is one part', 'hello', 10, ['hello']],
    ['splits at a paragraph break', 'aaaa bbb\n\ncc', 10, ['aaaa bbb\n\n', 'cc']],
    ['splits at a line break', 'aaaa bbb\ncc dd', 10, ['aaaa bbb\n', 'cc dd']],
    ['splits at a word', 'aaaa bbbb cccc', 10, ['aaaa bbbb ', 'cccc']],
    ['hard-splits a long word', 'abcdefghijkl', 5, ['abcde', 'fghij', 'kl']],
    ['never splits a surrogate pair', 'abcd😀', 5, ['abcd', '😀']],
  ])('%s', (_name, input, max, expected) => {
    expect(splitText(input, max)).toEqual(expected)
  })

  it('prefers a late word boundary over an early paragraph break', () => {
    const text = 'a\n\n' + 'b '.repeat(10)
    const [first] = splitText(text, 12)
    expect(first!.length).toBeGreaterThan(3)
  })

  it('rejects a limit that cannot hold a surrogate pair', () => {
    expect(() => splitText('abc', 1)).toThrow(RangeError)
  })

  const texts = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 400 }),
    fc
      .array(fc.constantFrom('word', ' ', '\n', '\n\n', '😀', 'é', '\t', 'long-token-xyz'), {
        maxLength: 200,
      })
      .map((units) => units.join('')),
  )

  it('every part fits, no part is empty, and the parts join back to the text', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 2, max: 60 }), (text, max) => {
        const parts = splitText(text, max)
        expect(parts.join('')).toBe(text)
        for (const part of parts) {
          expect(part.length).toBeGreaterThan(0)
          expect(part.length).toBeLessThanOrEqual(max)
        }
      }),
    )
  })

  it('never cuts inside a surrogate pair', () => {
    fc.assert(
      fc.property(texts, fc.integer({ min: 2, max: 60 }), (text, max) => {
        for (const part of splitText(text, max)) {
          expect(part.isWellFormed()).toBe(true)
        }
      }),
    )
  })
})
