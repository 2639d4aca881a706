import type { BotReplyOutcome, BotReplyRequest } from '../../../core/ports/bot-channel.ts'
import type { StreamingReplySender } from '../botframework/streaming/index.ts'

/**
 * A bot reply through the streaming sender: streamed in 1:1 chats (unless the integration
 * turned streaming off), one message elsewhere, delivered once per idempotency key.
 */
export async function sendReply(
  sender: StreamingReplySender,
  request: BotReplyRequest,
): Promise<BotReplyOutcome> {
  const result = await sender.reply({
    to: request.to,
    deltas: request.deltas,
    idempotencyKey: request.idempotencyKey,
    log: request.log,
    stream: request.stream,
    ...(request.signal ? { signal: request.signal } : {}),
  })
  return {
    text: result.text,
    alreadyDelivered: result.alreadyDelivered,
    mode: result.mode,
    outcome: result.outcome,
  }
}
