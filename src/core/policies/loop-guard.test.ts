import { describe, expect, it } from 'vitest'

import type { InboundEnvelope } from '../events.ts'
import { integrationId } from '../model/ids.ts'
import type { Participant } from '../model/participant.ts'
import { echoReason, isEcho } from './loop-guard.ts'

const bot: Participant = { role: 'bot', displayName: 'Bridge', remoteId: '28:bridge-bot' }
const customer: Participant = { role: 'customer', displayName: 'Ana', remoteId: '29:ana' }

const address = {
  kind: 'microsoft-teams' as const,
  integrationId: integrationId('teams-1'),
  key: 'chat-1',
  data: null,
}

const message = (sender: Participant, remoteMessageId: string): InboundEnvelope => ({
  dedupeKey: `teams:${remoteMessageId}`,
  address,
  occurredAt: '2026-05-01T12:00:00.000Z',
  event: {
    type: 'message.created',
    message: { remoteMessageId, sender, text: 'hi', attachments: [], mentions: [] },
  },
})

const typing = (participant: Participant): InboundEnvelope => ({
  dedupeKey: 'teams:typing:1',
  address,
  occurredAt: '2026-05-01T12:00:00.000Z',
  event: { type: 'typing', participant },
})

const client = { isOwnEcho: (p: Participant) => p.remoteId === bot.remoteId }
const produced = new Set(['m-sent-by-bridge', 'teams:dedupe-sent-by-bridge'])
const input = { client, producedByBridge: (id: string) => produced.has(id) }

describe('echoReason', () => {
  it.each([
    ['a customer message passes', message(customer, 'm-1'), undefined],
    ['the bridge bot’s message is dropped', message(bot, 'm-2'), 'own-sender'],
    ['the bridge bot’s typing is dropped', typing(bot), 'own-sender'],
    ['a customer’s typing passes', typing(customer), undefined],
    [
      'a message id the bridge produced is dropped',
      message(customer, 'm-sent-by-bridge'),
      'own-message',
    ],
    [
      'a dedupe key the bridge produced is dropped',
      message(customer, 'dedupe-sent-by-bridge'),
      'own-message',
    ],
  ])('%s', (_name, envelope, expected) => {
    expect(echoReason(envelope, input)).toBe(expected)
    expect(isEcho(envelope, input)).toBe(expected !== undefined)
  })

  it('passes events without a sender unless their key is the bridge’s', () => {
    const receipt: InboundEnvelope = {
      dedupeKey: 'teams:receipt:1',
      address,
      occurredAt: '2026-05-01T12:00:00.000Z',
      event: { type: 'receipt', remoteMessageId: 'm-1', status: 'Read' },
    }
    expect(echoReason(receipt, input)).toBeUndefined()
  })
})
