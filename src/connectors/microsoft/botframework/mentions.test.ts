import { describe, expect, it } from 'vitest'

import { type Activity, activitySchema } from './activity.ts'
import { botMention } from './mentions.ts'

const BOT = { id: '28:c9e8c047-2a74-40a2-b28b-b262d5f5327c', name: 'Teams TestBot' }
const JINGJING = {
  id: '29:1jnFbZYs0qXMLH-O4S9-sDLNc3NVEIMWWnC-q0tVdEa-8BRosfojI35QdNoB-yW8iutWLJzHUm_mqEZSSU8si0Q',
  name: 'Jingjing Xia',
}

/** A channel message as Teams delivers it to a bot (the msteams-docs channel sample, current ids). */
function channelMessage(overrides: Record<string, unknown> = {}): Activity {
  return activitySchema.parse({
    type: 'message',
    id: '1485983408511',
    timestamp: '2017-02-01T21:10:07.437Z',
    localTimestamp: '2017-02-01T14:10:07.437-07:00',
    serviceUrl: 'https://smba.trafficmanager.net/amer/',
    channelId: 'msteams',
    from: {
      id: '29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQtHieVkKilBZ9XHoq9j7Zaqt7CZ-NJWi7me2kHTL3Bw',
      name: 'Richard Moe',
      aadObjectId: 'ef1c916a-3135-4417-ba27-8eb7bd084193',
    },
    conversation: {
      isGroup: true,
      conversationType: 'channel',
      id: '19:253b1f341670408fb6fe51050b6e6ceb@thread.skype;messageid=1485983194839',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    },
    recipient: BOT,
    textFormat: 'plain',
    text: '<at>Teams TestBot</at> Hello <at>Jingjing Xia</at>',
    attachments: [
      {
        contentType: 'text/html',
        content:
          '<div><span contenteditable="false" itemscope="" itemtype="http://schema.skype.com/Mention" itemid="0">Teams TestBot</span> Hello <span contenteditable="false" itemscope="" itemtype="http://schema.skype.com/Mention" itemid="1">Jingjing Xia</span></div>',
      },
    ],
    entities: [
      { type: 'mention', mentioned: BOT, text: '<at>Teams TestBot</at>' },
      { type: 'mention', mentioned: JINGJING, text: '<at>Jingjing Xia</at>' },
      { type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Windows' },
    ],
    channelData: {
      teamsChannelId: '19:253b1f341670408fb6fe51050b6e6ceb@thread.skype',
      teamsTeamId: '19:712aeb9b3ffc4e25a3ec5a1e8c6b4f76@thread.skype',
      channel: { id: '19:253b1f341670408fb6fe51050b6e6ceb@thread.skype' },
      team: { id: '19:712aeb9b3ffc4e25a3ec5a1e8c6b4f76@thread.skype' },
      tenant: { id: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
    },
    ...overrides,
  })
}

describe('botMention', () => {
  it('finds the bot mention and strips it from the text and the rich body, keeping others', () => {
    const result = botMention(channelMessage())
    expect(result.mentioned).toBe(true)
    expect(result.text).toBe('Hello <at>Jingjing Xia</at>')
    expect(result.html).toBe('<div>Hello <at>Jingjing Xia</at></div>')
    expect(result.others.map((m) => m.mentioned)).toEqual([JINGJING])
  })

  it('strips the mention wherever it is and with the &nbsp; Teams writes after it', () => {
    const result = botMention(
      channelMessage({
        text: 'Please <at>Teams TestBot</at> check order 1042',
        attachments: [
          {
            contentType: 'text/html',
            content:
              '<p>Please <span itemtype="http://schema.skype.com/Mention" itemscope="" itemid="0">Teams TestBot</span>&nbsp;check order 1042</p>',
          },
        ],
        entities: [{ type: 'mention', mentioned: BOT, text: '<at>Teams TestBot</at>' }],
      }),
    )
    expect([result.mentioned, result.text, result.html]).toEqual([
      true,
      'Please check order 1042',
      '<p>Please check order 1042</p>',
    ])
  })

  it('does not count another account or a mention of the same name without its entity', () => {
    const notUs = botMention(
      channelMessage({
        text: '<at>Teams TestBot</at> hi',
        attachments: [],
        entities: [
          {
            type: 'mention',
            mentioned: { ...BOT, id: '28:another-bot' },
            text: '<at>Teams TestBot</at>',
          },
        ],
      }),
    )
    expect([notUs.mentioned, notUs.text, notUs.html]).toEqual([
      false,
      '<at>Teams TestBot</at> hi',
      undefined,
    ])
    const textOnly = botMention(channelMessage({ attachments: [], entities: [] }))
    expect([textOnly.mentioned, textOnly.text]).toEqual([
      false,
      '<at>Teams TestBot</at> Hello <at>Jingjing Xia</at>',
    ])
  })

  it('accepts the bare app id, an escaped name and the @-prefixed form of the docs', () => {
    const result = botMention(
      channelMessage({
        recipient: { id: '28:C9E8C047-2A74-40A2-B28B-B262D5F5327C', name: 'R&D Bot' },
        text: '<at>@R&amp;D Bot</at> ping',
        attachments: [],
        entities: [
          {
            type: 'mention',
            mentioned: { id: 'c9e8c047-2a74-40a2-b28b-b262d5f5327c', name: 'R&D Bot' },
            text: '<at>@R&D Bot</at>',
          },
        ],
      }),
    )
    expect([result.mentioned, result.text]).toEqual([true, 'ping'])
  })

  it('leaves a personal message without mentions as it is', () => {
    const result = botMention(
      channelMessage({
        conversation: { id: 'a:1xyz', conversationType: 'personal' },
        text: '  I need help  ',
        attachments: [],
        entities: [{ type: 'clientInfo', locale: 'en-US' }],
      }),
    )
    expect(result).toEqual({ mentioned: false, text: 'I need help', others: [] })
  })
})
