import type { DeliveryAttempt } from '../../emulators/graph/index.ts'
import type { SentMessage } from './arrivals.ts'

const MESSAGE_ID = /messages\('([^']+)'\)/

/**
 * Senders whose change notifications Graph (here its emulator) delivered in another order than
 * the messages were written: Graph does not promise order, and a bridge that keeps only the
 * arrival order per chat passes such a swap on to the contact center.
 */
export function sendersReorderedByGraph(
  deliveries: readonly DeliveryAttempt[],
  sent: readonly SentMessage[],
): number {
  const position = new Map(sent.map((m, i) => [m.remoteId ?? '', { sender: m.sender, i }]))
  const seen = new Set<string>()
  const lastBySender = new Map<string, number>()
  const reordered = new Set<string>()
  for (const attempt of deliveries) {
    if (attempt.outcome !== 'delivered' || attempt.kind !== 'notification') continue
    const id = MESSAGE_ID.exec(JSON.stringify(attempt.item ?? attempt.payload))?.[1]
    const message = id === undefined ? undefined : position.get(id)
    if (!message || seen.has(id!)) continue
    seen.add(id!)
    if ((lastBySender.get(message.sender) ?? -1) > message.i) reordered.add(message.sender)
    lastBySender.set(message.sender, Math.max(lastBySender.get(message.sender) ?? -1, message.i))
  }
  return reordered.size
}
