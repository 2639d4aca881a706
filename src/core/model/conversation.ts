import type { ConversationId } from './ids.ts'
import type { Participant } from './participant.ts'
import type { RemoteAddress } from './remote-address.ts'

/** A link between a Teams address and a backend conversation, inside one threading window. */
export interface Conversation {
  readonly id: ConversationId
  readonly routeId: string
  readonly channel: RemoteAddress
  readonly backend: RemoteAddress
  readonly customer: Participant
  readonly openedAt: Date
  readonly lastActivityAt: Date
  readonly closedAt?: Date
}
