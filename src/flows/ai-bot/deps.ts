import type { IntegrationId } from '../../core/model/ids.ts'
import type { Integration } from '../../core/model/integration.ts'
import type { BlobStore } from '../../core/ports/blob-store.ts'
import type { BotChannel } from '../../core/ports/bot-channel.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { Metrics } from '../../core/ports/metrics.ts'
import type { Responder } from '../../core/ports/responder.ts'
import type { SessionStore } from '../../core/ports/session-store.ts'
import type { Store } from '../../core/ports/store.ts'
import type { AttachmentPolicy } from '../deps.ts'

/** What a bot integration's settings ask of the flow (the connector validates the settings). */
export interface BotBehaviour {
  /** The responder's name (see ResponderRegistry). */
  readonly responder: string
  /** A session ends this long after it started. */
  readonly sessionDurationMs: number
  /** Stream replies where the channel allows it. */
  readonly stream: boolean
  /** Record who talks to the bot as contacts. */
  readonly contactCollection: boolean
  /** Pass files users send to the responder. */
  readonly attachments: boolean
  /** Who may talk to the bot; absent or empty: everyone (core/policies/allow-from.ts). */
  readonly allowFrom?: readonly string[]
  /** Group chats and channels: answer only messages that @mention the bot, or all of them. */
  readonly groupMessages: 'mentioned' | 'all'
}

export interface OpenedBot {
  readonly integration: Integration
  readonly behaviour: BotBehaviour
  readonly channel: BotChannel
}

/** Bot integrations by id; undefined when deleted, disabled or not a bot. */
export interface BotRegistry {
  bot(id: IntegrationId): Promise<OpenedBot | undefined>
}

/** Responders by the name a bot integration gives; throws ConfigError for an unknown name. */
export interface ResponderRegistry {
  responder(name: string): Responder
}

export interface AiBotDeps {
  readonly store: Pick<Store, 'contacts' | 'integrationEvents' | 'state'>
  readonly sessions: SessionStore
  readonly bots: BotRegistry
  readonly responders: ResponderRegistry
  readonly blobs: BlobStore
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
  readonly attachments: AttachmentPolicy
}
