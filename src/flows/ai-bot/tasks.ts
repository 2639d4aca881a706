import type { InboundEnvelope } from '../../core/events.ts'
import type { JsonValue } from '../../core/model/json.ts'
import type { JobSpec } from '../../core/ports/job-queue.ts'

export const TASKS = {
  turn: 'ai-bot.turn',
  recordEvent: 'ai-bot.record-event',
} as const

export interface BotEnvelopePayload {
  readonly integrationId: string
  readonly envelope: InboundEnvelope
}

/** One lane per bot conversation: a user's turns there are answered one at a time, in order. */
export const botLane = (integrationId: string, conversationKey: string) =>
  `bot:${integrationId}:${conversationKey}`

/**
 * Verified activities of a bot's callback as durable jobs. The dedupe key is the activity's:
 * a delivery the Bot Framework retries is accepted again but never becomes a second job.
 */
export function botJobsForEnvelopes(
  integrationId: string,
  envelopes: readonly InboundEnvelope[],
): JobSpec[] {
  return envelopes.flatMap((envelope): JobSpec[] => {
    const payload = { integrationId, envelope } as unknown as JsonValue
    const dedupeKey = `ai-bot:${integrationId}:${envelope.dedupeKey}`
    switch (envelope.event.type) {
      case 'message.created':
        return [
          {
            task: TASKS.turn,
            payload,
            lane: botLane(integrationId, envelope.address.key),
            dedupeKey,
          },
        ]
      case 'conversation.changed':
        return [{ task: TASKS.recordEvent, payload, dedupeKey }]
      default:
        return []
    }
  })
}
