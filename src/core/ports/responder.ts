import type { Logger } from './logger.ts'

/**
 * A responder answers one turn of a bot conversation: an OpenAI-compatible model, a webhook the
 * customer runs, or the built-in sandbox responder. The caller streams the deltas into the
 * channel as they arrive and posts the final text when the reply ends.
 *
 * Failures are thrown as classified BridgeErrors (see `classifyResponderFailure` in
 * core/policies/responder-failure.ts for the user-facing message):
 * - RemoteAmbiguousError with `details.timedOut`: no answer in time (headers, a stalled stream,
 *   or the whole answer past its deadline);
 * - RemoteUnavailableError: transient (429 with `retryAfterMs`, 5xx, connection refused, the
 *   stream cut mid-answer, an error event for a transient cause);
 * - RemoteAuthError: the remote refused the credential (an operator must fix the secret);
 * - RemoteRejectedError: permanent (the remote refused the request or answered in a way the
 *   responder cannot read);
 * - PolicyRefusedError / ConfigError: the settings point somewhere the policy forbids or are
 *   incomplete (a missing secret);
 * - the caller's own abort reason when its signal aborts.
 */
export interface Responder {
  /** The settings kind that built it, for logs and metrics. */
  readonly kind: ResponderKind
  /** Starts answering at once; nothing is sent until the reply is iterated or awaited. */
  respond(turn: ResponderTurn, ctx: ResponderContext): ResponderReply
}

export type ResponderKind = 'openai-compatible' | 'webhook' | 'builtin'

export interface ResponderTurn {
  /** Stable id of the bot session (one Teams conversation with one user). */
  readonly sessionId: string
  /** Stable per turn, and the same on every retry: remotes may deduplicate on it. */
  readonly turnId: string
  readonly integrationId?: string
  /** Earlier messages of the session, oldest first; the new message is not in it. */
  readonly history: readonly ResponderMessage[]
  readonly message: ResponderUserMessage
  /** BCP 47 locale of the user's client when known, e.g. `en-US`. */
  readonly locale?: string
}

export interface ResponderMessage {
  readonly role: 'user' | 'assistant'
  readonly content: string
}

export interface ResponderUserMessage {
  /** Plain text (markdown allowed), without channel markup. */
  readonly text: string
  readonly sender: ResponderSender
  readonly attachments: readonly ResponderAttachment[]
}

/** Who wrote the message, as far as the channel told us. Remote data: never trusted as markup. */
export interface ResponderSender {
  /** The channel's id of the user (Teams: the Bot Framework `from.id`). */
  readonly id: string
  readonly displayName?: string
  readonly tenantId?: string
  readonly aadObjectId?: string
  readonly email?: string
}

/** An attachment by reference: responders never receive the bytes inline. */
export interface ResponderAttachment {
  readonly name?: string
  readonly mediaType: string
  readonly sizeBytes?: number
  /** A URL the remote can fetch it from (a signed, expiring blob URL). */
  readonly url?: string
}

export interface ResponderContext {
  /** Aborts the whole reply; the reply then throws the signal's reason. */
  readonly signal?: AbortSignal
  readonly log: Logger
}

/** The deltas as they arrive (iterate once), then the whole answer. */
export interface ResponderReply extends AsyncIterable<string> {
  /**
   * The whole answer after the last delta. Without iterating first, it reads the deltas
   * itself. Rejects with the classified error; when iteration stopped early it rejects too.
   */
  result(): Promise<ResponderResult>
}

export interface ResponderResult {
  readonly text: string
  /**
   * `stop`: complete; `length`: cut at the remote's output limit; `filtered`: the remote's
   * content filter removed part of it; `none`: the responder chose not to answer (no message).
   */
  readonly finish: ResponderFinish
}

export type ResponderFinish = 'stop' | 'length' | 'filtered' | 'none'
