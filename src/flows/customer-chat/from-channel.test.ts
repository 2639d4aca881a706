import { describe, expect, it } from 'vitest'

import { RemoteAmbiguousError } from '../../core/errors.ts'
import type { InboundEnvelope } from '../../core/events.ts'
import { conversationId, integrationId } from '../../core/model/ids.ts'
import type { Message } from '../../core/model/message.ts'
import type { SendContext } from '../../core/ports/connector.ts'
import type { JobContext } from '../../core/ports/job-queue.ts'
import type { FlowDeps } from '../deps.ts'
import { processChannelEnvelope } from './from-channel.ts'

const teams = integrationId('teams')
const customer = { role: 'customer', displayName: 'Megan', remoteId: 'u-1' } as const
const backendAddress = {
  kind: 'genesys-open-messaging',
  integrationId: integrationId('genesys'),
  key: 'k',
  data: null,
}

const said: InboundEnvelope = {
  dedupeKey: 'graph:chat-1:m-1',
  address: { kind: 'microsoft-teams', integrationId: teams, key: 'chat-1', data: null },
  occurredAt: new Date().toISOString(),
  event: {
    type: 'message.created',
    message: {
      remoteMessageId: 'm-1',
      sender: customer,
      text: 'Hello',
      attachments: [],
      mentions: [],
    },
  },
}

/** A store in memory and a backend whose first send times out after sending. */
function world(lastActivityAt = new Date()) {
  const messages = new Map<string, Message>()
  const touches: Date[] = []
  const sends: SendContext[] = []
  const conversation = {
    id: conversationId('conv-1'),
    channel: said.address,
    backend: backendAddress,
    lastActivityAt,
  }
  const deps = {
    clock: { now: () => new Date(), nowMs: () => Date.now() },
    metrics: { increment: () => undefined, observe: () => undefined },
    store: {
      routes: {
        byChannelIntegration: async () => [
          {
            id: 'route-1',
            backendIntegrationId: 'genesys',
            policy: { threadingWindowMs: 86_400_000 },
          },
        ],
      },
      conversations: {
        latestByChannelKey: async () => conversation,
        get: async () => conversation,
        touch: async (_id: unknown, at: Date) => void touches.push(at),
      },
      messages: {
        byIdempotencyKey: async (key: string) => messages.get(key),
        insertIfAbsent: async (m: Message) => {
          messages.set(m.idempotencyKey, m)
          return { message: m, inserted: true }
        },
        setState: async (id: string, state: Message['state']) => {
          for (const [key, m] of messages) if (m.id === id) messages.set(key, { ...m, state })
        },
      },
    },
    clients: {
      channel: async () => ({ client: { isOwnEcho: () => false } }),
      backend: async () => ({
        client: {
          send: async (_to: unknown, _m: unknown, ctx: SendContext) => {
            sends.push(ctx)
            if (sends.length === 1) throw new RemoteAmbiguousError('timed out after sending')
            return { remoteMessageId: 'g-1' }
          },
        },
      }),
    },
  } as unknown as FlowDeps
  return { deps, messages, sends, touches }
}

describe('a customer message whose send timed out', () => {
  it('stays pending, and its retry tells the connector an earlier attempt may have landed', async () => {
    const { deps, messages, sends } = world()
    const ctx = { signal: new AbortController().signal, log: undefined } as unknown as JobContext
    await expect(processChannelEnvelope(teams, said, ctx, deps)).rejects.toThrow(
      RemoteAmbiguousError,
    )
    expect([...messages.values()].map((m) => m.state)).toEqual(['pending'])
    await processChannelEnvelope(teams, said, ctx, deps)
    expect(sends.map((s) => s.resend)).toEqual([false, true])
    expect([...messages.values()].map((m) => m.state)).toEqual(['sent'])
  })
})

describe("a customer message's conversation activity", () => {
  const ctx = { signal: new AbortController().signal, log: undefined } as unknown as JobContext
  const sendTwice = async (deps: FlowDeps) => {
    await processChannelEnvelope(teams, said, ctx, deps).catch(() => undefined) // ambiguous
    await processChannelEnvelope(teams, said, ctx, deps)
  }

  it('is written when the recorded activity is a minute old or more', async () => {
    const { deps, touches } = world(new Date(Date.now() - 61_000))
    await sendTwice(deps)
    expect(touches).toHaveLength(1)
  })

  it('is not written again seconds after the last (the 24 h window needs no finer)', async () => {
    const { deps, touches } = world(new Date(Date.now() - 5_000))
    await sendTwice(deps)
    expect(touches).toEqual([])
  })
})
