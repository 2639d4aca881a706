import { describe, expect, it } from 'vitest'

import { InvalidInputError } from '../../../core/errors.ts'
import type { ConversationReference } from './conversation-reference.ts'
import { MAX_TEXT_UNITS, messageActivities, safeMarkdown, typingActivity } from './to-activity.ts'

const ref: ConversationReference = {
  serviceUrl: 'https://smba.trafficmanager.net/amer/',
  channelId: 'msteams',
  conversation: { id: 'a:1', conversationType: 'personal', tenantId: 't1' },
  bot: { id: '28:bot', name: 'Cx Bot' },
  user: { id: '29:user', name: 'Megan' },
  tenantId: 't1',
}
const signed = 'https://bridge.example/blobs/0123?exp=1&sig=abc'

describe('messageActivities', () => {
  it('addresses the conversation as the bot, in markdown, with the tenant', () => {
    const [activity] = messageActivities(ref, {
      text: 'Hi **there**',
      attachments: [],
      mentions: [],
    })
    expect(activity).toEqual({
      type: 'message',
      from: { id: '28:bot', name: 'Cx Bot' },
      recipient: { id: '29:user', name: 'Megan' },
      conversation: { id: 'a:1' },
      channelData: { tenant: { id: 't1' } },
      textFormat: 'markdown',
      text: 'Hi **there**',
    })
  })

  it('sends images inline and other files as a download card, on the last part', () => {
    const activities = messageActivities(ref, {
      text: 'x '.repeat(MAX_TEXT_UNITS),
      mentions: [],
      attachments: [
        { name: 'photo.png', mediaType: 'image/png', url: signed, kind: 'image' },
        {
          name: 'invoice.pdf',
          mediaType: 'application/pdf',
          url: signed,
          kind: 'file',
          sizeBytes: 2048,
        },
      ],
    })
    expect(activities).toHaveLength(2)
    expect(activities[0]?.['attachments']).toBeUndefined()
    expect(activities[1]?.['attachments']).toEqual([
      { contentType: 'image/png', contentUrl: signed, name: 'photo.png' },
      {
        contentType: 'application/vnd.microsoft.card.hero',
        content: {
          title: 'invoice.pdf',
          subtitle: '2.0 KB',
          buttons: [{ type: 'openUrl', title: 'Download', value: signed }],
        },
      },
    ])
  })

  it('sends attachments alone when there is no text, and refuses an empty message', () => {
    const [only] = messageActivities(ref, {
      text: '  ',
      mentions: [],
      attachments: [{ name: 'a.png', mediaType: 'image/png', url: signed, kind: 'image' }],
    })
    expect(only?.['text']).toBeUndefined()
    expect(() => messageActivities(ref, { text: '', attachments: [], mentions: [] })).toThrow(
      InvalidInputError,
    )
  })

  it('quotes the message replied to and strips control characters', () => {
    const [activity] = messageActivities(ref, {
      text: 'Yes\u202e, Monday',
      attachments: [],
      mentions: [],
      replyTo: { text: 'Does it ship\nthis week?', author: 'Megan' },
    })
    expect(activity?.['text']).toBe('> Megan: Does it ship\n> this week?\n\nYes, Monday')
  })
})

describe('typingActivity', () => {
  it('is a typing activity to the same conversation', () => {
    expect(typingActivity(ref)).toMatchObject({ type: 'typing', conversation: { id: 'a:1' } })
  })
})

describe('safeMarkdown', () => {
  it('lets no markup or script link through, and keeps quotes and http links', () => {
    expect(safeMarkdown('<img src=x onerror=alert(1)> & <script>x</script>')).toBe(
      '&lt;img src=x onerror=alert(1)> &amp; &lt;script>x&lt;/script>',
    )
    expect(safeMarkdown('[click](javascript:alert(1)) [docs](https://example.com)')).toBe(
      'click [docs](https://example.com)',
    )
    expect(safeMarkdown('> Ana: quoted\n\nreply')).toBe('> Ana: quoted\n\nreply')
  })
})
