import { describe, expect, it } from 'vitest'

import type { InboundEnvelope, ReceiptStatus } from '../../core/events.ts'
import { backendLane, jobsForEnvelopes, TASKS } from './tasks.ts'

const address = {
  kind: 'genesys-open-messaging',
  integrationId: 'demo-genesys',
  key: 'customer-1',
  data: {},
} as unknown as InboundEnvelope['address']

const receipt = (status: ReceiptStatus): InboundEnvelope => ({
  dedupeKey: `genesys:m-1:receipt:${status}`,
  address,
  occurredAt: '2026-11-21T10:00:00.000Z',
  event: { type: 'receipt', remoteMessageId: 'm-1', status },
})

describe('jobsForEnvelopes', () => {
  it('queues the receipts that change a message and skips those that change nothing', () => {
    const statuses: ReceiptStatus[] = ['Published', 'Sent', 'Delivered', 'Read', 'Failed']
    const jobs = jobsForEnvelopes('backend', 'demo-genesys', statuses.map(receipt))
    expect(jobs.map((j) => j.dedupeKey)).toEqual([
      'genesys:m-1:receipt:Delivered',
      'genesys:m-1:receipt:Read',
      'genesys:m-1:receipt:Failed',
    ])
    expect(new Set(jobs.map((j) => j.lane))).toEqual(
      new Set([backendLane('demo-genesys', 'customer-1')]),
    )
    expect(jobs.every((j) => j.task === TASKS.fromBackend)).toBe(true)
  })

  it('queues a receipt naming the conversation of a first message, in no lane', () => {
    const published = receipt('Published')
    const naming: InboundEnvelope = {
      ...published,
      event: {
        ...(published.event as object),
        conversationRef: 'conv-1',
      } as InboundEnvelope['event'],
    }
    const jobs = jobsForEnvelopes('backend', 'demo-genesys', [naming, receipt('Published')])
    expect(jobs).toHaveLength(1)
    expect(jobs[0]).toMatchObject({
      task: TASKS.rememberConversation,
      dedupeKey: 'genesys:m-1:receipt:Published',
    })
    expect(jobs[0]).not.toHaveProperty('lane')
  })

  it('queues typing and messages from the backend in its lane', () => {
    const typing: InboundEnvelope = {
      dedupeKey: 'genesys:t-1:typing',
      address,
      occurredAt: '2026-11-21T10:00:00.000Z',
      event: { type: 'typing', participant: { role: 'agent' } } as InboundEnvelope['event'],
    }
    expect(jobsForEnvelopes('backend', 'demo-genesys', [typing])).toHaveLength(1)
  })
})
