import { readFileSync } from 'node:fs'

import { describe, expect, it } from 'vitest'

import { InvalidInputError } from '../../../core/errors.ts'
import { integrationId } from '../../../core/model/ids.ts'
import { parseOutbound } from './from-genesys.ts'
import { markedFirst } from './ids.ts'

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url))
const json = (value: unknown) => Buffer.from(JSON.stringify(value))
const id = integrationId('int-1')

describe('parseOutbound', () => {
  it('turns an agent text message into message.created for the customer in channel.to', () => {
    expect(parseOutbound(fixture('outbound-text.json'), id)).toEqual([
      {
        dedupeKey: 'genesys:36e4d8d92b071f15116d01d111bb8802',
        address: {
          kind: 'genesys-open-messaging',
          integrationId: 'int-1',
          key: '5608add1-7b77-460b-a7f0-97a8d8f2b6db',
          data: {
            identity: {
              id: '5608add1-7b77-460b-a7f0-97a8d8f2b6db',
              idType: 'Opaque',
              customAttributes: {},
            },
          },
        },
        occurredAt: '2021-11-25T09:42:16.302Z',
        event: {
          type: 'message.created',
          message: {
            remoteMessageId: '36e4d8d92b071f15116d01d111bb8802',
            sender: {
              role: 'agent',
              displayName: 'PS testing OM Integration',
              remoteId: 'a2171742-7359-41cf-aa68-ad5049250806',
            },
            text: 'Hello there!',
            attachments: [],
            mentions: [],
          },
        },
      },
    ])
  })

  it('maps an agent attachment from content[] (real capture)', () => {
    const [envelope] = parseOutbound(fixture('outbound-agent-attachment.json'), id)
    expect(envelope?.address.key).toBe('33633081329')
    expect(envelope?.event).toMatchObject({
      type: 'message.created',
      message: {
        text: '',
        attachments: [
          {
            name: 'Header_Genesys.png',
            mediaType: 'image/png',
            url: 'https://api-downloads.mypurecloud.ie/api/v2/downloads/pce9ac7dc17eab202a3',
            sizeBytes: 2444,
            kind: 'image',
          },
        ],
      },
    })
  })

  it('maps a file attachment and reads the nickName spelling', () => {
    const [envelope] = parseOutbound(fixture('outbound-attachment-file.json'), id)
    expect(envelope?.event).toMatchObject({
      type: 'message.created',
      message: {
        sender: { displayName: 'Open Messaging Integration' },
        attachments: [{ name: 'file.pdf', mediaType: 'application/pdf', kind: 'file' }],
      },
    })
  })

  it('turns a typing event into typing', () => {
    const [envelope] = parseOutbound(fixture('outbound-typing.json'), id)
    expect(envelope).toMatchObject({
      dedupeKey: 'genesys:<Messaging Platform Message ID>',
      address: { key: 'messaging-user@externalservice.com' },
      event: { type: 'typing', participant: { role: 'agent', displayName: '<Integration Name>' } },
    })
  })

  it('turns a receipt into receipt, with its reasons and a per-status dedupe key', () => {
    const [envelope] = parseOutbound(fixture('outbound-receipt-failed.json'), id)
    expect(envelope).toMatchObject({
      dedupeKey: 'genesys:c8e53e498891dfc9400c79a278cc1863:receipt:Failed',
      occurredAt: '2023-08-03T13:06:05.000Z',
      event: {
        type: 'receipt',
        remoteMessageId: 'c8e53e498891dfc9400c79a278cc1863',
        status: 'Failed',
        reason: 'GeneralError: some general error; RateLimited: you have reached your limit',
      },
    })
  })

  it('names the conversation only on the Published receipt of a first message', () => {
    const published = (messageId: string) => ({
      id: 'b9c0a1d2e3f4a5b6c7d8e9f0a1b2c3d4',
      channel: {
        id: 'a9d478ff-da37-4d41-88e8-01536aee464a',
        messageId,
        to: { id: 'tenant:customer', idType: 'Opaque' },
        time: '2026-11-21T10:00:00.000Z',
      },
      type: 'Receipt',
      status: 'Published',
      direction: 'Inbound',
      conversationId: '1734d888-3c0e-47bc-bacb-e9996a16b682',
    })
    const [first] = parseOutbound(json(published(markedFirst('teams:m-1'))), id)
    expect(first?.event).toEqual({
      type: 'receipt',
      remoteMessageId: 'b9c0a1d2e3f4a5b6c7d8e9f0a1b2c3d4',
      status: 'Published',
      conversationRef: '1734d888-3c0e-47bc-bacb-e9996a16b682',
    })
    const [later] = parseOutbound(json(published('teams:m-2')), id)
    expect(later?.event).not.toHaveProperty('conversationRef')
    const delivered = { ...published(markedFirst('teams:m-1')), status: 'Delivered' }
    expect(parseOutbound(json(delivered), id)[0]?.event).not.toHaveProperty('conversationRef')
  })

  it('marks bot messages as sent by a bot', () => {
    const body = JSON.parse(fixture('outbound-text.json').toString())
    const [envelope] = parseOutbound(json({ ...body, originatingEntity: 'Bot' }), id)
    expect(envelope?.event).toMatchObject({ message: { sender: { role: 'bot' } } })
  })

  it.each([
    ['an unknown type', { type: 'Notification' }],
    ['a structured message without text', { type: 'Structured', text: '' }],
    ['a receipt status core does not know', { type: 'Receipt', status: 'Removed' }],
    ['an event that is not typing', { type: 'Event', events: [{ eventType: 'Presence' }] }],
    ['an inbound echo of the customer', { direction: 'Inbound' }],
    ['a text message with no text and no attachment', { text: '  ' }],
  ])('acknowledges and ignores %s', (_name, patch) => {
    const body = JSON.parse(fixture('outbound-text.json').toString())
    expect(parseOutbound(json({ ...body, ...patch }), id)).toEqual([])
  })

  it.each([
    ['not JSON', Buffer.from('{"id":')],
    [
      'no id',
      json({ type: 'Text', channel: { to: { id: 'x' }, time: '2021-11-25T09:42:16.302Z' } }),
    ],
    [
      'no channel.to',
      json({ id: 'x', type: 'Text', channel: { time: '2021-11-25T09:42:16.302Z' } }),
    ],
    [
      'a bad time',
      json({ id: 'x', type: 'Text', channel: { to: { id: 'y' }, time: 'yesterday' } }),
    ],
    ['an array', json([])],
  ])('rejects %s with InvalidInputError', (_name, body) => {
    expect(() => parseOutbound(body, id)).toThrow(InvalidInputError)
  })
})
