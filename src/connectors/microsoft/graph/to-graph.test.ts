import { describe, expect, it } from 'vitest'

import type { MessageContent } from '../../../core/model/message.ts'
import { MAX_BODY_BYTES, toGraphMessages } from './to-graph.ts'

const content = (patch: Partial<MessageContent>): MessageContent => ({
  text: '',
  attachments: [],
  mentions: [],
  ...patch,
})

describe('core message → Graph chatMessage bodies', () => {
  it('renders markdown as HTML and never lets raw HTML or script links through', () => {
    const [message] = toGraphMessages(
      content({ text: 'Hi **there** <script>alert(1)</script> [x](javascript:alert(2))\nnext' }),
    )
    expect(message).toEqual({
      body: {
        contentType: 'html',
        content:
          '<p>Hi <strong>there</strong> &lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(2))<br />\nnext</p>',
      },
    })
  })

  it('round-trips the escapes inbound conversion adds', () => {
    const [message] = toGraphMessages(content({ text: '\\<b>not bold\\</b> \\* star' }))
    expect(message?.body.content).toBe('<p>&lt;b&gt;not bold&lt;/b&gt; * star</p>')
  })

  it('puts the quote first and attachments as links to their signed URLs last', () => {
    const [message] = toGraphMessages(
      content({
        text: 'See attached',
        replyTo: { text: 'Where is <my> order?', author: 'Jane' },
        attachments: [
          {
            name: 'invoice "1".pdf',
            mediaType: 'application/pdf',
            kind: 'file',
            url: 'https://bridge.test/blobs/abc?exp=1&sig=x',
          },
          { name: 'bad', mediaType: 'text/plain', kind: 'file', url: 'javascript:alert(1)' },
        ],
      }),
    )
    expect(message?.body.content).toBe(
      '<blockquote><strong>Jane</strong><br>Where is &lt;my&gt; order?</blockquote><p>See attached</p>' +
        '<p><a href="https://bridge.test/blobs/abc?exp=1&amp;sig=x">invoice &quot;1&quot;.pdf</a></p>',
    )
  })

  it('splits long text at paragraph boundaries so each body fits the Teams limit', () => {
    const paragraph = 'word '.repeat(400).trim()
    const text = Array.from({ length: 30 }, (_, i) => `${i} ${paragraph}`).join('\n\n')
    const messages = toGraphMessages(content({ text }))
    expect(messages.length).toBeGreaterThan(1)
    for (const m of messages) expect(m.body.content.length * 2).toBeLessThanOrEqual(MAX_BODY_BYTES)
    const all = messages.map((m) => m.body.content).join('')
    for (let i = 0; i < 30; i++) expect(all).toContain(`<p>${i} word`)
  })

  it('splits a single huge line by characters', () => {
    const messages = toGraphMessages(content({ text: 'x'.repeat(40_000) }))
    expect(messages.length).toBeGreaterThan(2)
    const text = messages.map((m) => m.body.content.replace(/<\/?p>|\s/g, '')).join('')
    expect(text).toBe('x'.repeat(40_000))
  })
})
