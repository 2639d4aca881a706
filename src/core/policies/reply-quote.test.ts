import { describe, expect, it } from 'vitest'

import type { ReplyQuote } from '../model/message.ts'
import { applyReplyQuote } from './reply-quote.ts'

const content = (text: string, replyTo?: ReplyQuote) => ({ text, replyTo })

describe('applyReplyQuote', () => {
  it.each([
    [
      'quotes one line with its author',
      content('Thanks!', { text: 'Your order shipped', author: 'Ana' }),
      '> Ana: Your order shipped\n\nThanks!',
    ],
    [
      'quotes every line',
      content('ok', { text: 'line one\nline two', author: 'Ana' }),
      '> Ana: line one\n> line two\n\nok',
    ],
    [
      'keeps a paragraph break as an empty quote line, once',
      content('ok', { text: 'one\n\n\n\ntwo' }),
      '> one\n>\n> two\n\nok',
    ],
    ['quotes without an author', content('ok', { text: 'earlier' }), '> earlier\n\nok'],
    ['quote only, when the reply has no text', content('', { text: 'earlier' }), '> earlier'],
    [
      'cleans control characters and newlines in the author',
      content('ok', { text: 'hi', author: 'An\u0000a\n Smith\u202E' }),
      '> Ana Smith: hi\n\nok',
    ],
    ['no quote text and no author leaves the text', content('ok', { text: '  ' }), 'ok'],
  ])('%s', (_name, input, expected) => {
    expect(applyReplyQuote(input.text, input.replyTo, 'quote')).toBe(expected)
  })

  it('truncates a long quote by characters', () => {
    const result = applyReplyQuote('ok', { text: 'x'.repeat(1000) }, 'quote', { maxChars: 50 })
    const quoteLine = result.split('\n')[0]!
    expect(quoteLine).toBe(`> ${'x'.repeat(49)}…`)
  })

  it('truncates a long quote by lines', () => {
    const text = ['1', '2', '3', '4', '5', '6'].join('\n')
    const result = applyReplyQuote('ok', { text }, 'quote', { maxLines: 3 })
    expect(result).toBe('> 1\n> 2\n> 3 …\n\nok')
  })

  it('strip drops the quote and keeps the text', () => {
    const result = applyReplyQuote('Thanks!', { text: 'earlier', author: 'Ana' }, 'strip')
    expect(result).toBe('Thanks!')
  })

  it('leaves a message without a quote alone', () => {
    expect(applyReplyQuote('hi', undefined, 'quote')).toBe('hi')
  })
})
