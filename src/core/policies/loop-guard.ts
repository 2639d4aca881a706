import type { InboundEnvelope } from '../events.ts'
import type { Participant } from '../model/participant.ts'
import type { ChannelClient } from '../ports/connector.ts'

export type EchoReason = 'own-sender' | 'own-message'

export interface LoopGuardInput {
  /** The channel client's own judgement of a sender (its bot or service account). */
  readonly client: Pick<ChannelClient, 'isOwnEcho'>
  /**
   * True for ids the bridge itself produced on this remote: the ids the remote gave to
   * messages the bridge sent, and the idempotency keys the bridge sent with them.
   */
  readonly producedByBridge: (id: string) => boolean
}

/** The participant an event is attributed to, if any. */
function senderOf(envelope: InboundEnvelope): Participant | undefined {
  switch (envelope.event.type) {
    case 'message.created':
      return envelope.event.message.sender
    case 'typing':
      return envelope.event.participant
    default:
      return undefined
  }
}

/**
 * Why an inbound event is the bridge's own echo and must be dropped, or undefined when it is
 * genuine. Remotes notify about messages the bridge posted itself; without this guard every
 * relayed message would be relayed back, forever.
 */
export function echoReason(
  envelope: InboundEnvelope,
  input: LoopGuardInput,
): EchoReason | undefined {
  const sender = senderOf(envelope)
  if (sender && input.client.isOwnEcho(sender)) return 'own-sender'
  if (input.producedByBridge(envelope.dedupeKey)) return 'own-message'
  if (
    envelope.event.type === 'message.created' &&
    input.producedByBridge(envelope.event.message.remoteMessageId)
  ) {
    return 'own-message'
  }
  return undefined
}

export const isEcho = (envelope: InboundEnvelope, input: LoopGuardInput): boolean =>
  echoReason(envelope, input) !== undefined
