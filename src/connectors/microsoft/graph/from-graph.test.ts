import { describe, expect, it } from 'vitest'

import { chatMessageToIncoming } from './from-graph.ts'
import { type ChatMessage, chatMessage } from './wire.ts'

const TENANT = '2432b57b-0abd-43db-aa7b-16eadd115d34'
const message = (patch: Record<string, unknown>): ChatMessage =>
  chatMessage.parse({
    id: '1616964509832',
    etag: '1616964509832',
    messageType: 'message',
    createdDateTime: '2021-03-28T20:48:29.832Z',
    chatId: '19:2da4c29f6d7041eca70b638b43d45437@thread.v2',
    from: {
      application: null,
      device: null,
      user: {
        id: '8ea0e38b-efb3-4757-924a-5f94061cf8c2',
        displayName: 'Robin Kline',
        userIdentityType: 'aadUser',
      },
    },
    body: { contentType: 'text', content: 'Hello world' },
    attachments: [],
    mentions: [],
    ...patch,
  })

describe('chatMessage → IncomingMessage', () => {
  it('maps the sender to a participant with the notification tenant', () => {
    expect(chatMessageToIncoming(message({}), TENANT)).toEqual({
      remoteMessageId: '1616964509832',
      text: 'Hello world',
      attachments: [],
      mentions: [],
      sender: {
        role: 'customer',
        displayName: 'Robin Kline',
        aadObjectId: '8ea0e38b-efb3-4757-924a-5f94061cf8c2',
        remoteId: '8ea0e38b-efb3-4757-924a-5f94061cf8c2',
        tenantId: TENANT,
      },
    })
  })

  it('drops scripts, styles, iframes, event handlers and javascript: links', () => {
    const html =
      '<p>Hi<script>alert(1)</script><style>p{color:red}</style><iframe src="https://evil.test">x</iframe>' +
      ' <img src="https://evil.test/a.png" onerror="alert(2)" alt="pic"> <a href="javascript:alert(3)">click</a>' +
      ' &lt;b&gt;not bold&lt;/b&gt;</p>'
    const text = chatMessageToIncoming(
      message({ body: { contentType: 'html', content: html } }),
    )!.text
    expect(text).toBe('Hi pic click \\<b>not bold\\</b>')
    expect(text).not.toMatch(/alert|evil|script|(?<!\\)<[a-z]/i)
  })

  it('strips control characters and converts formatting to markdown', () => {
    const html =
      '<p>a\u0000b\u001b <b>bold</b> <i>it</i> <a href="https://x.test/">link</a></p><ul><li>one</li></ul>'
    const text = chatMessageToIncoming(
      message({ body: { contentType: 'html', content: html } }),
    )!.text
    expect(text).toBe('ab **bold** _it_ [link](https://x.test/)\n\n-   one')
  })

  it('renders mentions as @name and keeps who was mentioned (chatmessage-post example 2)', () => {
    const incoming = chatMessageToIncoming(
      message({
        body: { contentType: 'html', content: 'Hello World <at id="0">Jane Smith</at>' },
        mentions: [
          {
            id: 0,
            mentionText: 'Jane Smith',
            mentioned: {
              user: {
                displayName: 'Jane Smith',
                id: 'ef1c916a-3135-4417-ba27-8eb7bd084193',
                userIdentityType: 'aadUser',
              },
            },
          },
        ],
      }),
      TENANT,
    )!
    expect(incoming.text).toBe('Hello World @Jane Smith')
    expect(incoming.mentions).toEqual([
      {
        text: 'Jane Smith',
        participant: expect.objectContaining({
          aadObjectId: 'ef1c916a-3135-4417-ba27-8eb7bd084193',
        }),
      },
    ])
  })

  it("takes a quoted reply out of Teams' reply blockquote (getAllRetainedMessages example)", () => {
    const content =
      '<div>\n<blockquote itemscope="" itemtype="http://schema.skype.com/Reply" itemid="1600457867820">\n' +
      '<strong itemprop="mri" itemid="8:orgid:0de69e5e-2da8-4cf2-821f-5e6585b2c65b">Richard Wilson</strong>' +
      '<span itemprop="time" itemid="1600457867820"></span>\n<p itemprop="preview">1237</p>\n</blockquote>\n' +
      '<p>this is a reply</p>\n</div>'
    const incoming = chatMessageToIncoming(message({ body: { contentType: 'html', content } }))!
    expect(incoming.text).toBe('this is a reply')
    expect(incoming.replyTo).toEqual({
      text: '1237',
      author: 'Richard Wilson',
      remoteMessageId: '1600457867820',
    })
  })

  it('takes a quoted reply from a messageReference attachment', () => {
    const incoming = chatMessageToIncoming(
      message({
        body: {
          contentType: 'html',
          content: '<attachment id="1728088338580"></attachment><p>Hello</p>',
        },
        attachments: [
          {
            id: '1728088338580',
            contentType: 'messageReference',
            content: JSON.stringify({
              messageId: '1728088338580',
              messagePreview: 'Where is <my> order?',
              messageSender: {
                user: { id: 'u1', displayName: 'Jane', userIdentityType: 'aadUser' },
              },
            }),
          },
        ],
      }),
    )!
    expect(incoming.text).toBe('Hello')
    expect(incoming.replyTo).toEqual({
      text: 'Where is \\<my> order?',
      author: 'Jane',
      remoteMessageId: '1728088338580',
    })
  })

  it('turns hosted images and reference files into attachments (chat-list-messages, chatmessage-post)', () => {
    const image =
      'https://graph.microsoft.com/v1.0/chats/19:2da4c29f6d7041eca70b638b43d45437@thread.v2/messages/1615971548136/hostedContents/aWQ9eF8wLXd1cy1kOS1lNTRm/$value'
    const incoming = chatMessageToIncoming(
      message({
        body: {
          contentType: 'html',
          content: `<div><span><img height="63" src="${image}" width="67"></span></div>Here's the latest budget. <attachment id="153fa47d"></attachment>`,
        },
        attachments: [
          {
            id: '153fa47d',
            contentType: 'reference',
            contentUrl:
              'https://m365x987948.sharepoint.com/sites/test/Shared%20Documents/General/test%20doc.docx',
            name: '../Budget.docx',
          },
        ],
      }),
    )!
    expect(incoming.text).toBe("Here's the latest budget.")
    expect(incoming.attachments).toEqual([
      { name: 'image-1', mediaType: 'application/octet-stream', url: image, kind: 'image' },
      {
        name: 'Budget.docx',
        mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        url: 'https://m365x987948.sharepoint.com/sites/test/Shared%20Documents/General/test%20doc.docx',
        kind: 'file',
      },
    ])
  })

  it('ignores system events and deleted messages, and maps bots', () => {
    expect(
      chatMessageToIncoming(
        message({
          messageType: 'unknownFutureValue',
          from: null,
          body: { contentType: 'html', content: '<systemEventMessage/>' },
        }),
      ),
    ).toBeUndefined()
    expect(
      chatMessageToIncoming(message({ deletedDateTime: '2021-03-28T20:49:00Z' })),
    ).toBeUndefined()
    const fromBot = message({
      from: {
        user: null,
        application: { id: '877192bd', displayName: 'TestBot', applicationIdentityType: 'bot' },
      },
    })
    expect(chatMessageToIncoming(fromBot)?.sender).toEqual({
      role: 'bot',
      displayName: 'TestBot',
      remoteId: '877192bd',
    })
  })
})
