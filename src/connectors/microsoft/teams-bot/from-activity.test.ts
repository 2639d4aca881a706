import { describe, expect, it } from 'vitest'

import type { IntegrationId } from '../../../core/model/ids.ts'
import { activitySchema } from '../botframework/activity.ts'
import { botActivityToEnvelopes } from './from-activity.ts'

const id = 'bot-1' as IntegrationId
const at = new Date('2026-01-01T00:00:00Z')
const base = {
  id: '1700000000001',
  timestamp: '2026-01-01T10:00:00.000Z',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  channelId: 'msteams',
  from: { id: '29:1ana', name: 'Ana', aadObjectId: 'aad-ana' },
  recipient: { id: '28:app-id', name: 'Helpdesk' },
  channelData: { tenant: { id: 'tenant-1' } },
}
const parse = (activity: object) =>
  botActivityToEnvelopes(activitySchema.parse({ ...base, ...activity }), id, at)

describe('botActivityToEnvelopes', () => {
  it('a group message mentioning the bot: text without the mention, botMentioned, locale', () => {
    const [envelope] = parse({
      type: 'message',
      text: '<at>Helpdesk</at> where is my laptop?',
      locale: 'pt-PT',
      conversation: { id: '19:chat@thread.v2', conversationType: 'groupChat', isGroup: true },
      entities: [
        {
          type: 'mention',
          mentioned: { id: '28:app-id', name: 'Helpdesk' },
          text: '<at>Helpdesk</at>',
        },
      ],
    })
    expect(envelope).toMatchObject({
      dedupeKey: 'botframework:1700000000001',
      address: { kind: 'microsoft-teams-bot', integrationId: id, key: '19:chat@thread.v2' },
      event: {
        type: 'message.created',
        message: { text: 'where is my laptop?', botMentioned: true, locale: 'pt-PT' },
      },
    })
  })

  it('a message that mentions someone else does not mention the bot', () => {
    const [envelope] = parse({
      type: 'message',
      text: '<at>Ben</at> look',
      conversation: { id: '19:chat@thread.v2', conversationType: 'groupChat' },
      entities: [
        { type: 'mention', mentioned: { id: '29:1ben', name: 'Ben' }, text: '<at>Ben</at>' },
      ],
    })
    expect(envelope?.event).toMatchObject({ message: { botMentioned: false } })
  })

  it('installation and membership changes keep ids and what happened, never names', () => {
    const [installed] = parse({
      type: 'installationUpdate',
      action: 'add',
      conversation: { id: 'a:1personal', conversationType: 'personal' },
    })
    expect(installed?.event).toEqual({
      type: 'conversation.changed',
      activityType: 'installationUpdate',
      data: {
        action: 'add',
        conversationId: 'a:1personal',
        conversationType: 'personal',
        by: { id: '29:1ana', aadObjectId: 'aad-ana' },
        tenantId: 'tenant-1',
      },
    })
    const [added] = parse({
      type: 'conversationUpdate',
      conversation: { id: '19:team@thread.tacv2', conversationType: 'channel' },
      membersAdded: [{ id: '28:app-id' }, { id: '29:1ben', aadObjectId: 'aad-ben', name: 'Ben' }],
      channelData: {
        tenant: { id: 'tenant-1' },
        eventType: 'teamMemberAdded',
        team: { id: '19:team@thread.tacv2', name: 'Support team' },
      },
    })
    expect(added?.event).toMatchObject({
      activityType: 'conversationUpdate',
      data: {
        eventType: 'teamMemberAdded',
        teamId: '19:team@thread.tacv2',
        botAdded: true,
        membersAdded: [{ id: '28:app-id' }, { id: '29:1ben', aadObjectId: 'aad-ben' }],
      },
    })
    expect(JSON.stringify(added)).not.toContain('Support team')
  })

  it('other activity types give nothing', () => {
    expect(parse({ type: 'typing', conversation: { id: 'a:1' } })).toEqual([])
    expect(parse({ type: 'messageReaction', conversation: { id: 'a:1' } })).toEqual([])
  })
})
