import { describe, expect, it } from 'vitest'

import type { InboundEnvelope } from '../../core/events.ts'
import { conversationId, integrationId, messageId } from '../../core/model/ids.ts'
import type { JobContext, JobSpec } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { processBackendEnvelope, type ReceiptPayload } from './from-backend.ts'
import { TASKS } from './tasks.ts'

const genesys = integrationId('genesys')
const agent = { role: 'agent', displayName: 'Ana', remoteId: 'agent-ana' } as const
const backendAddress = {
  kind: 'genesys-open-messaging',
  integrationId: genesys,
  key: 'tenant:customer',
  data: null,
} as const
const key = 'genesys-open-messaging:genesys:m-1'

const reply: InboundEnvelope = {
  dedupeKey: 'genesys:m-1',
  address: backendAddress,
  occurredAt: new Date().toISOString(),
  event: {
    type: 'message.created',
    message: {
      remoteMessageId: 'm-1',
      sender: agent,
      text: 'Hello',
      attachments: [],
      mentions: [],
    },
  },
}

/** The store as a crash left it: the agent's message delivered to Teams, its receipt not queued. */
function deliveredBeforeCrash() {
  const queued: JobSpec[] = []
  const sentToTeams: unknown[] = []
  const conversation = {
    id: conversationId('conv-1'),
    channel: { kind: 'microsoft-teams', integrationId: integrationId('teams'), key: 'chat-1' },
    backend: backendAddress,
  }
  const deps = {
    store: {
      conversations: { latestByBackendKey: async () => conversation },
      messages: {
        byIdempotencyKey: async (k: string) =>
          k === key ? { id: messageId(key), state: 'delivered' } : undefined,
      },
    },
    queue: { enqueue: async (jobs: JobSpec[]) => void queued.push(...jobs) },
    clients: {
      backend: async () => ({ client: { sendReceipt: async () => undefined } }),
      channel: async () => ({
        client: { send: async (...args: unknown[]) => sentToTeams.push(args) },
      }),
    },
  } as unknown as FlowDeps
  return { deps, queued, sentToTeams }
}

describe('a backend message processed again after a crash', () => {
  it('queues the Delivered receipt of a message delivered before the crash, and does not send it again', async () => {
    const { deps, queued, sentToTeams } = deliveredBeforeCrash()
    const ctx = { signal: new AbortController().signal } as unknown as JobContext

    await processBackendEnvelope(genesys, reply, ctx, deps)

    expect(sentToTeams).toEqual([])
    expect(queued).toEqual([
      expect.objectContaining({ task: TASKS.receipt, dedupeKey: `receipt:${key}` }),
    ])
    expect((queued[0]!.payload as unknown as ReceiptPayload).status).toBe('Delivered')
  })
})
