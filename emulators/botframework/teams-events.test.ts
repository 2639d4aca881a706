import { fetch } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

import { BOT, botToken, type Harness, startHarness, TENANT, USER } from './test-support.ts'

let h: Harness
const LEE = {
  id: '29:1user-lee',
  aadObjectId: '77777777-0000-0000-0000-000000000002',
  name: 'Lee Gu',
  tenantId: TENANT,
}
const MEGAN = {
  id: '29:1user-megan',
  aadObjectId: '77777777-0000-0000-0000-000000000003',
  name: 'Megan Bowen',
  tenantId: TENANT,
}
const CHANNEL = {
  id: '19:support@thread.tacv2',
  name: 'Support',
  teamId: '19:team-support@thread.tacv2',
  teamName: 'Customer Care',
  tenantId: TENANT,
}
const BOT_ACCOUNT = { id: `28:${BOT.appId}`, name: 'Contoso Care' }

beforeAll(async () => {
  h = await startHarness()
  h.teams.control.addChannel(CHANNEL)
})
afterAll(() => h.close())
beforeEach(() => {
  h.endpoint.received.length = 0
  h.clock.advance(2_000)
})

const received = () => h.endpoint.received.map((r) => r.body)
const conversationOf = (activity: Record<string, unknown>) =>
  (activity['conversation'] as { id: string }).id

async function botSends(conversationId: string, text: string): Promise<number> {
  const token = await botToken(h.identity)
  const res = await fetch(
    `${h.teams.serviceUrl}v3/conversations/${encodeURIComponent(conversationId)}/activities`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text }),
    },
  )
  await res.arrayBuffer()
  return res.status
}

describe('installation and membership events', () => {
  it('installs in a group chat: installationUpdate, then the bot joins', async () => {
    const results = await h.teams.control.installBot({
      user: USER,
      scope: 'groupChat',
    })
    expect(results.map((r) => r.status)).toEqual([200, 200])
    const [install, update] = received()
    expect(install).toMatchObject({
      type: 'installationUpdate',
      action: 'add',
      conversation: { conversationType: 'groupChat', isGroup: true, tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
    })
    expect(update).toMatchObject({
      type: 'conversationUpdate',
      membersAdded: [{ id: BOT_ACCOUNT.id }],
    })
    expect(conversationOf(install!)).toMatch(/^19:.+@thread\.v2$/)
  })

  it('installs in a team from a channel, with the team and the selected channel', async () => {
    await h.teams.control.installBot({ user: USER, scope: 'team', channelId: CHANNEL.id })
    const [install, update] = received()
    const channelData = {
      tenant: { id: TENANT },
      team: { id: CHANNEL.teamId, name: CHANNEL.teamName },
      channel: { id: CHANNEL.id, name: CHANNEL.name },
      settings: { selectedChannel: { id: CHANNEL.id } },
    }
    expect(install).toMatchObject({
      type: 'installationUpdate',
      action: 'add',
      conversation: { id: CHANNEL.id, conversationType: 'channel', isGroup: true },
      channelData,
    })
    expect(update).toMatchObject({
      type: 'conversationUpdate',
      membersAdded: [{ id: BOT_ACCOUNT.id }],
      conversation: { id: CHANNEL.id },
      channelData: { ...channelData, eventType: 'teamMemberAdded' },
    })
  })

  it('tells the bot when members join or leave a team or a group chat', async () => {
    await h.teams.control.addMembers({
      user: USER,
      scope: 'team',
      channelId: CHANNEL.id,
      members: [LEE],
    })
    expect(received().at(-1)).toMatchObject({
      type: 'conversationUpdate',
      membersAdded: [{ id: LEE.id, aadObjectId: LEE.aadObjectId }],
      conversation: { id: CHANNEL.teamId, conversationType: 'channel' },
      channelData: { eventType: 'teamMemberAdded', team: { id: CHANNEL.teamId } },
    })
    const [install] = await h.teams.control.installBot({ user: USER, scope: 'groupChat' })
    const groupId = conversationOf(install!.activity)
    await h.teams.control.addMembers({
      user: USER,
      scope: 'groupChat',
      conversationId: groupId,
      members: [MEGAN],
    })
    await h.teams.control.removeMembers({
      user: USER,
      scope: 'groupChat',
      conversationId: groupId,
      members: [MEGAN],
    })
    const [added, removed] = received().slice(-2)
    expect(added).toMatchObject({
      membersAdded: [{ id: MEGAN.id }],
      conversation: { id: groupId, conversationType: 'groupChat' },
    })
    expect(removed).toMatchObject({
      membersRemoved: [{ id: MEGAN.id, aadObjectId: MEGAN.aadObjectId }],
    })
    expect((removed!['channelData'] as Record<string, unknown>)['eventType']).toBeUndefined()
  })

  it('uninstalls from a team: the bot hears nothing more there and its sends get 403', async () => {
    const post = await h.teams.control.userSends({
      user: USER,
      text: 'before',
      mentionBot: true,
      conversationType: 'channel',
      channelId: CHANNEL.id,
    })
    const thread = conversationOf(post.activity)
    const results = await h.teams.control.uninstallBot({
      user: USER,
      scope: 'team',
      channelId: CHANNEL.id,
    })
    expect(results.map((r) => r.activity['type'])).toEqual([
      'installationUpdate',
      'conversationUpdate',
    ])
    expect(results[1]!.activity).toMatchObject({
      membersRemoved: [{ id: BOT_ACCOUNT.id }],
      channelData: { eventType: 'teamMemberRemoved' },
    })
    expect(await botSends(thread, 'still here?')).toBe(403)
    const after = await h.teams.control.userSends({
      user: USER,
      text: 'hello?',
      mentionBot: true,
      conversationType: 'channel',
      channelId: CHANNEL.id,
    })
    expect([after.status, after.skipped]).toEqual([0, 'notInstalled'])
    await h.teams.control.installBot({ user: USER, scope: 'team', channelId: CHANNEL.id })
    expect(await botSends(thread, 'back')).toBe(201)
  })
})

describe('messages in group chats and channels', () => {
  it('delivers only messages that @mention the bot, unless it receives all messages', async () => {
    const [install] = await h.teams.control.installBot({ user: USER, scope: 'groupChat' })
    const groupId = conversationOf(install!.activity)
    await h.teams.control.addMembers({
      user: USER,
      scope: 'groupChat',
      conversationId: groupId,
      members: [LEE],
    })
    h.endpoint.received.length = 0
    const quiet = await h.teams.control.userSends({
      user: USER,
      conversationId: groupId,
      text: 'lunch?',
    })
    expect([quiet.status, quiet.skipped]).toEqual([0, 'notMentioned'])
    const asked = await h.teams.control.userSends({
      user: USER,
      conversationId: groupId,
      text: '<at>Contoso Care</at> where is <at>Lee Gu</at>’s order?',
    })
    expect(asked.status).toBe(200)
    expect(asked.activity).toMatchObject({
      type: 'message',
      textFormat: 'plain',
      text: '<at>Contoso Care</at> where is <at>Lee Gu</at>’s order?',
      conversation: { id: groupId, conversationType: 'groupChat', isGroup: true, tenantId: TENANT },
      channelData: { tenant: { id: TENANT } },
      attachments: [
        {
          contentType: 'text/html',
          content:
            '<p><span itemtype="http://schema.skype.com/Mention" itemscope="" itemid="0">Contoso Care</span>&nbsp;where is <span itemtype="http://schema.skype.com/Mention" itemscope="" itemid="1">Lee Gu</span>’s order?</p>',
        },
      ],
    })
    expect((asked.activity['entities'] as unknown[]).slice(0, 2)).toEqual([
      { type: 'mention', mentioned: BOT_ACCOUNT, text: '<at>Contoso Care</at>' },
      { type: 'mention', mentioned: { id: LEE.id, name: LEE.name }, text: '<at>Lee Gu</at>' },
    ])
    h.teams.control.receiveAllMessages({ scopeId: groupId })
    expect(
      (await h.teams.control.userSends({ user: USER, conversationId: groupId, text: 'fyi' }))
        .status,
    ).toBe(200)
    h.teams.control.receiveAllMessages({ scopeId: groupId, enabled: false })
  })

  it('shapes channel posts as Teams does and refuses mentions of strangers', async () => {
    await h.teams.control.installBot({ user: USER, scope: 'team', channelId: CHANNEL.id })
    const post = await h.teams.control.userSends({
      user: USER,
      text: 'status of #1042?',
      mentionBot: true,
      conversationType: 'channel',
      channelId: CHANNEL.id,
    })
    expect(post.status).toBe(200)
    expect(post.activity).toMatchObject({
      text: '<at>Contoso Care</at> status of #1042?',
      conversation: {
        id: `${CHANNEL.id};messageid=${String(post.activity['id'])}`,
        conversationType: 'channel',
        isGroup: true,
      },
      channelData: {
        tenant: { id: TENANT },
        teamsTeamId: CHANNEL.teamId,
        teamsChannelId: CHANNEL.id,
        team: { id: CHANNEL.teamId, name: CHANNEL.teamName },
        channel: { id: CHANNEL.id, name: CHANNEL.name },
      },
    })
    await expect(
      h.teams.control.userSends({
        user: USER,
        text: '<at>Nobody</at> hi',
        conversationType: 'channel',
        channelId: CHANNEL.id,
      }),
    ).rejects.toThrow(/Nobody/)
  })
})

describe('files', () => {
  it('attaches a file in a 1:1 chat as file download info the bot can fetch without a token', async () => {
    const sent = await h.teams.control.userSends({
      user: { ...USER },
      text: 'here is the invoice',
      files: [
        {
          name: 'Invoice 1042.pdf',
          content: Buffer.from('%PDF-1.7 fake'),
          contentType: 'application/pdf',
        },
      ],
    })
    const [file] = sent.activity['attachments'] as Array<Record<string, unknown>>
    expect(file).toMatchObject({
      contentType: 'application/vnd.microsoft.teams.file.download.info',
      name: 'Invoice 1042.pdf',
      contentUrl: expect.stringMatching(
        /^https:\/\/contoso-my\.sharepoint\.com\/personal\/adele_contoso_example\/Documents\/Microsoft%20Teams%20Chat%20Files\/Invoice%201042\.pdf$/,
      ),
      content: { fileType: 'pdf', uniqueId: expect.stringMatching(/^[0-9A-F-]{36}$/) },
    })
    const downloadUrl = (file!['content'] as { downloadUrl: string }).downloadUrl
    const res = await fetch(downloadUrl)
    expect([res.status, res.headers.get('content-type'), await res.text()]).toEqual([
      200,
      'application/pdf',
      '%PDF-1.7 fake',
    ])
    const group = await h.teams.control.userSends({
      user: USER,
      text: 'and in a group',
      mentionBot: true,
      conversationType: 'groupChat',
      files: [{ name: 'a.txt', contentBase64: Buffer.from('a').toString('base64') }],
    })
    expect(
      (group.activity['attachments'] as Array<{ contentType: string }>).map((a) => a.contentType),
    ).toEqual(['text/html'])
  })
})
