import type { RemoteAddress } from '../model/remote-address.ts'
import type { SendContext } from './connector.ts'
import type { Logger } from './logger.ts'

/** One reply of a bot into its conversation, written while it is delivered. */
export interface BotReplyRequest {
  readonly to: RemoteAddress
  /**
   * The reply in pieces as it is written. `stop` is aborted once the channel stops reading
   * (done, out of time, stopped by the user), to end the work behind it.
   */
  readonly deltas: (stop: AbortSignal) => AsyncIterable<string>
  /** Stream where the channel allows it (Teams: 1:1 chats); false: one message at the end. */
  readonly stream: boolean
  /** The same on every retry of the job: a reply is delivered once per key. */
  readonly idempotencyKey: string
  readonly log: Logger
  readonly signal?: AbortSignal
}

export interface BotReplyOutcome {
  /** The text delivered (empty when an earlier attempt delivered it and kept no copy). */
  readonly text: string
  /** Nothing was sent by this call: an earlier attempt delivered it. */
  readonly alreadyDelivered: boolean
  readonly mode: 'stream' | 'message'
  /**
   * `complete`; `truncated` (cut at the channel's time limit, with a note); `cancelled` (the
   * user stopped it); `source-failed` (the deltas threw or were empty); `unconfirmed` (a send
   * may have landed unrecorded and was not repeated).
   */
  readonly outcome: 'complete' | 'truncated' | 'cancelled' | 'source-failed' | 'unconfirmed'
}

/** A conversation member as the channel's directory knows them. */
export interface BotMember {
  readonly name?: string
  readonly upn?: string
  readonly email?: string
  readonly aadObjectId?: string
  readonly tenantId?: string
}

/**
 * A bot's side of its conversations (Teams through the Bot Framework): replies, member
 * lookups and the files users send. Throws classified BridgeErrors.
 */
export interface BotChannel {
  /** `personal` for 1:1 chats; `group` for group chats and channels. */
  scopeOf(to: RemoteAddress): 'personal' | 'group'
  reply(request: BotReplyRequest): Promise<BotReplyOutcome>
  /** The member's directory entry (UPN, e-mail); undefined when the channel does not know them. */
  member(
    to: RemoteAddress,
    userId: string,
    ctx: { readonly log: Logger; readonly signal?: AbortSignal },
  ): Promise<BotMember | undefined>
  /** Downloads a file a user sent, from the channel's own hosts only, at most `maxBytes`. */
  download(
    url: string,
    ctx: SendContext & { readonly maxBytes: number },
  ): Promise<{ data: Uint8Array; mediaType: string }>
}
