import { describe, expect, it } from 'vitest'

import type { Attachment } from '../../../core/model/message.ts'
import type { BackendIdentity } from '../../../core/model/participant.ts'
import type { OutgoingMessage } from '../../../core/ports/connector.ts'
import { toInboundMessages, toInboundReceipt, toInboundTyping } from './to-genesys.ts'
import { inboundEventRequest, inboundMessageRequest, inboundReceiptRequest } from './wire.ts'

const identity: BackendIdentity = {
  id: '72f988bf-86f1-41af-91ab-2d7cd011db47:0c8a5b1e-4d7b-4e5f-9e2a-1b2c3d4e5f60',
  idType: 'Opaque',
  firstName: 'Ana',
  lastName: 'Smith',
  nickname: 'Ana Smith',
  customAttributes: { teamsTenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' },
}

const message = (text: string, attachments: Attachment[] = []): OutgoingMessage => ({
  content: { text, attachments, mentions: [] },
  sender: { role: 'customer', displayName: 'Ana Smith' },
  occurredAt: '2026-05-01T13:01:14.462Z',
})

const image: Attachment = {
  name: 'photo.png',
  mediaType: 'image/png',
  url: 'https://bridge.example.com/blobs/abc?exp=1&sig=x',
  kind: 'image',
}
const pdf: Attachment = {
  name: 'invoice.pdf',
  mediaType: 'application/pdf',
  url: 'https://bridge.example.com/blobs/def?exp=1&sig=y',
  kind: 'file',
}

describe('toInboundMessages', () => {
  it('builds the documented request for a text message', () => {
    // Shape of the working request in https://developer.genesys.cloud/forum/t/set-participant-data-in-open-inbound-message/26014
    // with customAttributes under channel.metadata, as the answer there says.
    expect(toInboundMessages(message('Hello'), identity, 'teams:msg-1', 4000)).toEqual([
      {
        channel: {
          messageId: 'teams:msg-1',
          from: {
            id: identity.id,
            idType: 'Opaque',
            firstName: 'Ana',
            lastName: 'Smith',
            nickname: 'Ana Smith',
          },
          time: '2026-05-01T13:01:14.462Z',
          metadata: { customAttributes: identity.customAttributes },
        },
        text: 'Hello',
      },
    ])
  })

  it('only produces documented fields', () => {
    const requests = toInboundMessages(message('Hi', [image, pdf]), identity, 'k', 4000)
    for (const request of requests) expect(inboundMessageRequest.parse(request)).toEqual(request)
  })

  it('splits long text into parts with deterministic ids and ordered times', () => {
    const text = `${'a'.repeat(3000)}\n\n${'b'.repeat(3000)}\n\n${'c'.repeat(100)}`
    const requests = toInboundMessages(message(text), identity, 'teams:msg-2', 4000)
    expect(requests.map((r) => r.channel.messageId)).toEqual(['teams:msg-2#1', 'teams:msg-2#2'])
    expect(requests.map((r) => r.channel.time)).toEqual([
      '2026-05-01T13:01:14.462Z',
      '2026-05-01T13:01:14.463Z',
    ])
    expect(requests.map((r) => r.text).join('')).toBe(text)
    for (const r of requests) expect(r.text!.length).toBeLessThanOrEqual(4000)
    expect(toInboundMessages(message(text), identity, 'teams:msg-2', 4000)).toEqual(requests)
  })

  it('attaches the first file to the last text part and sends the others alone', () => {
    const requests = toInboundMessages(message('See attached', [image, pdf]), identity, 'k', 4000)
    expect(requests.map((r) => [r.text, r.content?.[0]?.attachment])).toEqual([
      [
        'See attached',
        {
          mediaType: 'Image',
          url: image.url,
          mime: 'image/png',
          filename: 'photo.png',
        },
      ],
      [
        undefined,
        {
          mediaType: 'File',
          url: pdf.url,
          mime: 'application/pdf',
          filename: 'invoice.pdf',
        },
      ],
    ])
    expect(requests.map((r) => r.channel.messageId)).toEqual(['k#1', 'k#2'])
  })

  it('sends attachments without text on their own', () => {
    const requests = toInboundMessages(message('', [pdf]), identity, 'k', 4000)
    expect(requests).toHaveLength(1)
    expect(requests[0]!.text).toBeUndefined()
    expect(requests[0]!.channel.messageId).toBe('k')
  })

  it('sanitizes the text and produces nothing for an empty message', () => {
    expect(toInboundMessages(message('a\r\nb\u202E'), identity, 'k', 4000)[0]!.text).toBe('a\nb')
    expect(toInboundMessages(message('  \n '), identity, 'k', 4000)).toEqual([])
  })

  it('leaves out metadata when there are no custom attributes', () => {
    const [request] = toInboundMessages(
      message('x'),
      { ...identity, customAttributes: {} },
      'k',
      10,
    )
    expect(request!.channel.metadata).toBeUndefined()
  })
})

describe('toInboundTyping', () => {
  it('builds the documented typing event', () => {
    const event = toInboundTyping(identity, new Date('2026-05-01T13:01:14.462Z'))
    expect(inboundEventRequest.parse(event)).toEqual(event)
    expect(event.events).toEqual([{ eventType: 'Typing' }])
    expect(event.channel.from.id).toBe(identity.id)
  })
})

describe('toInboundReceipt', () => {
  const at = new Date('2023-01-21T16:47:08.592Z')

  it('builds the documented Delivered receipt', () => {
    // https://developer.genesys.cloud/commdigital/digital/openmessaging/inboundReceiptMessages
    const receipt = toInboundReceipt(
      identity,
      'c327c2078ca056db130c55ce648d9fa2',
      'Delivered',
      undefined,
      at,
    )
    expect(receipt).toEqual({
      id: 'c327c2078ca056db130c55ce648d9fa2',
      channel: { to: { id: identity.id, idType: 'Opaque' }, time: '2023-01-21T16:47:08.592Z' },
      status: 'Delivered',
      isFinalReceipt: true,
    })
    expect(inboundReceiptRequest.parse(receipt)).toEqual(receipt)
  })

  it('builds a Failed receipt with a reason', () => {
    const receipt = toInboundReceipt(identity, 'g-1', 'Failed', 'Teams said 403\u0000', at)
    expect(receipt?.reasons).toEqual([{ code: 'GeneralError', message: 'Teams said 403' }])
    expect(inboundReceiptRequest.parse(receipt)).toEqual(receipt)
  })

  it('always gives a Failed receipt a message', () => {
    const receipt = toInboundReceipt(identity, 'g-1', 'Failed', undefined, at)
    expect(receipt?.reasons?.[0]?.message).not.toBe('')
  })

  it('reports Read as Delivered and skips Sent and Published', () => {
    expect(toInboundReceipt(identity, 'g-1', 'Read', undefined, at)?.status).toBe('Delivered')
    expect(toInboundReceipt(identity, 'g-1', 'Sent', undefined, at)).toBeUndefined()
    expect(toInboundReceipt(identity, 'g-1', 'Published', undefined, at)).toBeUndefined()
  })
})
