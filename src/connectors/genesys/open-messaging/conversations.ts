import { z } from 'zod'

import type { ConnectorDeps } from '../../shared/deps.ts'

/** Each customer's Genesys conversation as last known, by `{integration}:{customer key}`. */
const namespace = 'genesys-open-messaging.conversation'

/** Customers whose conversation one process keeps in memory (the oldest entry goes first). */
const maxRemembered = 10_000

/**
 * What the store holds for one customer: the Genesys conversation the last answer (or a
 * Published receipt) named, or, while a first message is on its way and no conversation is known
 * yet, that message's `channel.messageId` and when it was first sent.
 */
const entry = z.object({
  conversationId: z.string().min(1).optional(),
  firstSend: z.object({ messageId: z.string().min(1), atMs: z.number() }).optional(),
})
export type ConversationEntry = z.infer<typeof entry>

/**
 * The Genesys conversation per customer, kept durably so a resend after a crash knows where to
 * look. The hot path reads the store once per customer and process and writes only when the
 * conversation changes; a resend reads the store itself (another process may have written).
 */
export function conversationMemory(integrationId: string, deps: ConnectorDeps) {
  const known = new Map<string, string>()
  const keyOf = (customer: string) => `${integrationId}:${customer}`

  const cache = (customer: string, conversationId: string) => {
    known.delete(customer)
    known.set(customer, conversationId)
    if (known.size > maxRemembered) known.delete(known.keys().next().value!)
  }

  const stored = async (customer: string): Promise<ConversationEntry> => {
    const parsed = entry.safeParse(await deps.state.get(namespace, keyOf(customer)))
    return parsed.success ? parsed.data : {}
  }

  return {
    stored,

    /** The customer's conversation, if known: from memory, else from the store (once). */
    async current(customer: string): Promise<string | undefined> {
      const cached = known.get(customer)
      if (cached !== undefined) return cached
      const { conversationId } = await stored(customer)
      if (conversationId !== undefined) cache(customer, conversationId)
      return conversationId
    },

    /** A conversation named by Genesys: written only when it differs from the one known. */
    async named(customer: string, conversationId: string): Promise<void> {
      if (known.get(customer) === conversationId) return
      const before = known.has(customer) ? undefined : await stored(customer)
      if (before?.conversationId !== conversationId || before.firstSend !== undefined) {
        await deps.state.put(namespace, keyOf(customer), { conversationId })
      }
      cache(customer, conversationId)
    },

    /**
     * The first message was answered with a refusal (a status, not a timeout): it did not land,
     * so a resend need not wait for its receipt.
     */
    async firstSendRefused(customer: string, messageId: string): Promise<void> {
      const { conversationId, firstSend } = await stored(customer)
      if (conversationId === undefined && firstSend?.messageId === messageId) {
        await deps.state.delete(namespace, keyOf(customer))
      }
    },

    /** Before a first message goes out with no conversation known: when, for a later resend. */
    async firstSend(customer: string, messageId: string): Promise<void> {
      await deps.state.put(namespace, keyOf(customer), {
        firstSend: { messageId, atMs: deps.clock.nowMs() },
      })
    },
  }
}

export type ConversationMemory = ReturnType<typeof conversationMemory>
