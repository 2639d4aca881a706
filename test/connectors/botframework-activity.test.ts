import { describe, expect, it } from 'vitest'

import { botFrameworkWebhook } from '../../src/connectors/microsoft/botframework/webhook.ts'
import type { InboundEnvelope } from '../../src/core/events.ts'
import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import {
  BOT_APP_ID,
  botSettings,
  SERVICE_URL,
  teamsActivity,
  teamsIntegration,
  TENANT_ID,
  testDeps,
} from './botframework-support.ts'

const route = botFrameworkWebhook(testDeps({ clock: new ManualClock() }))
const integration = teamsIntegration(
  botSettings('https://login.botframework.com/v1/.well-known/openidconfiguration'),
)
const parse = (activity: Record<string, unknown>) =>
  route.parse(
    {
      method: 'POST',
      headers: {},
      query: {},
      rawBody: Buffer.from(JSON.stringify(activity)),
      url: 'https://x/',
    },
    integration,
  )
const messageOf = (envelopes: InboundEnvelope[]) => {
  const event = envelopes[0]?.event
  if (event?.type !== 'message.created') throw new Error(`expected a message, got ${event?.type}`)
  return event.message
}

const BOT = { id: `28:${BOT_APP_ID}`, name: 'Cx Bot' }
const ALICE = {
  id: '29:alice',
  name: 'Alice Lee',
  aadObjectId: 'a1a1a1a1-0000-0000-0000-000000000001',
}

describe('Bot Framework activity → envelopes', () => {
  it('maps a personal-chat message with dedupe key, address and conversation reference', async () => {
    const envelopes = await parse(teamsActivity())
    expect(envelopes).toHaveLength(1)
    const envelope = envelopes[0]!
    expect(envelope.dedupeKey).toBe('botframework:1481567603816')
    expect(envelope.occurredAt).toBe('2026-01-01T10:00:00.000Z')
    expect(envelope.address.kind).toBe('microsoft-teams')
    expect(envelope.address.key).toMatch(/^a:17I0kl9/)
    expect(envelope.address.data).toEqual({
      serviceUrl: SERVICE_URL,
      channelId: 'msteams',
      conversation: {
        id: envelope.address.key,
        conversationType: 'personal',
        tenantId: TENANT_ID,
      },
      bot: BOT,
      user: {
        id: expect.stringMatching(/^29:/),
        name: 'Megan Bowen',
        aadObjectId: 'ef1c916a-3135-4417-ba27-8eb7bd084193',
      },
      tenantId: TENANT_ID,
    })
    const message = messageOf(envelopes)
    expect(message).toMatchObject({
      remoteMessageId: '1481567603816',
      text: 'Hello there',
      attachments: [],
      mentions: [],
      sender: {
        role: 'customer',
        displayName: 'Megan Bowen',
        aadObjectId: 'ef1c916a-3135-4417-ba27-8eb7bd084193',
        tenantId: TENANT_ID,
      },
    })
  })

  it('drops the bot mention, keeps other mentions and uses the rich HTML body', async () => {
    const activity = teamsActivity({
      conversation: {
        id: '19:abc@thread.tacv2;messageid=1',
        conversationType: 'channel',
        isGroup: true,
      },
      text: '<at>Cx Bot</at> please ask <at>Alice Lee</at> about **billing**',
      attachments: [
        {
          contentType: 'text/html',
          content:
            '<div><div><at id="0">Cx Bot</at> please ask <at id="1">Alice Lee</at> about <strong>billing</strong></div></div>',
        },
      ],
      entities: [
        { type: 'mention', mentioned: BOT, text: '<at>Cx Bot</at>' },
        { type: 'mention', mentioned: ALICE, text: '<at>Alice Lee</at>' },
        { type: 'clientInfo', locale: 'en-US' },
      ],
    })
    const message = messageOf(await parse(activity))
    expect(message.text).toBe('please ask @Alice Lee about **billing**')
    expect(message.mentions).toEqual([
      {
        text: 'Alice Lee',
        participant: {
          role: 'customer',
          displayName: 'Alice Lee',
          remoteId: '29:alice',
          aadObjectId: ALICE.aadObjectId,
        },
      },
    ])
  })

  it('takes in group messages only when they @mention the bot, unless set to take all', async () => {
    const groupMessage = (entities: unknown[]) =>
      teamsActivity({
        conversation: { id: '19:group@thread.v2', conversationType: 'groupChat', isGroup: true },
        text: entities.length ? '<at>Cx Bot</at> any news?' : 'any news?',
        entities,
      })
    const mention = { type: 'mention', mentioned: BOT, text: '<at>Cx Bot</at>' }
    expect(await parse(groupMessage([]))).toEqual([])
    expect(messageOf(await parse(groupMessage([mention])))).toMatchObject({
      text: 'any news?',
      botMentioned: true,
    })
    expect(messageOf(await parse(teamsActivity())).botMentioned).toBe(false)
    const takesAll = teamsIntegration(
      botSettings('https://login.botframework.com/v1/.well-known/openidconfiguration', {
        groupMessages: 'all',
      }),
    )
    const all = await route.parse(
      {
        method: 'POST',
        headers: {},
        query: {},
        rawBody: Buffer.from(JSON.stringify(groupMessage([]))),
        url: 'https://x/',
      },
      takesAll,
    )
    expect(messageOf(all)).toMatchObject({ text: 'any news?', botMentioned: false })
  })

  it('removes the bot mention from plain text too', async () => {
    const activity = teamsActivity({
      text: '<at>Cx Bot</at> hi',
      entities: [{ type: 'mention', mentioned: BOT, text: '<at>Cx Bot</at>' }],
    })
    expect(messageOf(await parse(activity)).text).toBe('hi')
  })

  it('extracts a quoted reply from the Teams reply blockquote', async () => {
    const html =
      '<blockquote itemscope="" itemtype="http://schema.skype.com/Reply" itemid="1712345678901">' +
      '<strong itemprop="mri" itemid="28:bot">Agent Smith</strong><span itemprop="time" itemid="1712345678901"></span>' +
      '<p itemprop="preview">Your order ships Monday</p></blockquote><p>Can it be sooner?</p>'
    const message = messageOf(
      await parse(
        teamsActivity({
          text: 'Agent Smith Your order ships Monday Can it be sooner?',
          attachments: [{ contentType: 'text/html', content: html }],
        }),
      ),
    )
    expect(message.text).toBe('Can it be sooner?')
    expect(message.replyTo).toEqual({
      text: 'Your order ships Monday',
      author: 'Agent Smith',
      remoteMessageId: '1712345678901',
    })
  })

  it('turns hostile HTML into inert markdown', async () => {
    const html =
      '<div>hi<script>alert(1)</script><img src="x" onerror="alert(2)"><a href="javascript:alert(3)">click</a>' +
      '<style>p{}</style><iframe src="https://evil.example"></iframe> &lt;b&gt;raw&lt;/b&gt;</div>'
    const message = messageOf(
      await parse(teamsActivity({ attachments: [{ contentType: 'text/html', content: html }] })),
    )
    expect(message.text).not.toMatch(/script|alert|onerror|javascript:|iframe|evil/i)
    // No tag opener survives unescaped: `\<b>` renders as the text "<b>".
    expect(message.text).not.toMatch(/(^|[^\\])<[a-z/]/i)
    expect(message.text).toContain('hi')
    expect(message.text).toContain('click')
    expect(message.text).toContain('\\<b>raw')
  })

  it('keeps plain text that looks like markup as text', async () => {
    const message = messageOf(
      await parse(teamsActivity({ text: 'if a<b then <script>x</script>' })),
    )
    expect(message.text).toBe('if a\\<b then \\<script>x\\</script>')
  })

  it('maps file and image attachments, ignoring cards', async () => {
    const message = messageOf(
      await parse(
        teamsActivity({
          attachments: [
            {
              contentType: 'application/vnd.microsoft.teams.file.download.info',
              contentUrl: 'https://contoso.sharepoint.com/personal/megan/Documents/report.pdf',
              name: '../report.pdf',
              content: {
                downloadUrl: 'https://contoso.sharepoint.com/download.aspx?x=1',
                uniqueId: 'u1',
                fileType: 'pdf',
              },
            },
            {
              contentType: 'image/png',
              contentUrl: 'https://us-api.asm.skype.com/v1/objects/0-1/views/original',
              name: 'pasted.png',
            },
            {
              contentType: 'application/vnd.microsoft.card.adaptive',
              content: { type: 'AdaptiveCard' },
            },
          ],
        }),
      ),
    )
    expect(message.attachments).toEqual([
      {
        name: 'report.pdf',
        mediaType: 'application/pdf',
        url: 'https://contoso.sharepoint.com/download.aspx?x=1',
        kind: 'file',
      },
      {
        name: 'pasted.png',
        mediaType: 'image/png',
        url: 'https://us-api.asm.skype.com/v1/objects/0-1/views/original',
        kind: 'image',
      },
    ])
  })

  it('maps typing and ignores other activity types', async () => {
    const typing = await parse(teamsActivity({ type: 'typing', text: undefined }))
    expect(typing).toHaveLength(1)
    expect(typing[0]!.event).toEqual({
      type: 'typing',
      participant: expect.objectContaining({ displayName: 'Megan Bowen', role: 'customer' }),
    })
    expect(await parse(teamsActivity({ type: 'conversationUpdate', membersAdded: [BOT] }))).toEqual(
      [],
    )
    expect(
      await parse(teamsActivity({ type: 'messageReaction', reactionsAdded: [{ type: 'like' }] })),
    ).toEqual([])
  })

  it('refuses activities missing what routing needs', async () => {
    await expect(parse(teamsActivity({ id: '' }))).rejects.toThrow('malformed')
    await expect(parse(teamsActivity({ serviceUrl: 'not a url' }))).rejects.toThrow('malformed')
    await expect(parse(teamsActivity({ from: undefined }))).rejects.toThrow('malformed')
  })
})
