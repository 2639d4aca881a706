import { describe, expect, it } from 'vitest'

import { renderText } from './stream-activities.ts'

describe('renderText', () => {
  it('makes model text safe to show and keeps each rendering a prefix of the next', () => {
    const deltas = ['Use ', '<b>', 'bold</b> & ', 'this\r', '\nline 😀', ' done']
    let text = ''
    let previous = ''
    for (const delta of deltas) {
      text += delta
      const shown = renderText(text)
      expect(shown.startsWith(previous)).toBe(true)
      previous = shown
    }
    expect(previous).toBe('Use &lt;b>bold&lt;/b> &amp; this\nline 😀 done')
  })

  it('holds back a trailing carriage return and half of a surrogate pair', () => {
    expect(renderText('line\r')).toBe('line')
    expect(renderText('smile \ud83d')).toBe('smile ')
    expect(renderText('smile \ud83d\ude00')).toBe('smile 😀')
  })
})
