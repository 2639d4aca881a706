import type { EmulatorClock } from '../kit/clock.ts'
import type { FaultInjector } from '../kit/faults.ts'
import type { WebhookSender } from './outbound/webhook-sender.ts'
import type { OutageBook } from './state/outages.ts'
import type { TokenRateLimiter } from './state/rate-limit.ts'
import type { GenesysState } from './state/store.ts'

export interface Limits {
  /**
   * Agent UI limit for "Open API: 4000" characters (https://help.dev-genesys.cloud/articles/accept-and-respond-to-a-message-interaction);
   * the inbound API limit is not documented, so the same value is applied to inbound text.
   */
  readonly textMaxLength: number
  /** Not documented for Open Messaging; a generous guard so runaway attribute maps are caught. */
  readonly customAttributesMaxBytes: number
  /** `request.bytes.max` 512000 (https://developer.genesys.cloud/organization/organization/limits#platform-api). */
  readonly requestBytesMax: number
  /**
   * Message ids per `messages/bulk` request. The SDK docs name no maximum; 100 is the platform
   * API's usual page size, so a client that batches by it works either way. [UNVERIFIED]
   */
  readonly bulkMessageIdsMax: number
}

/** Everything a route needs, built once by `startGenesysEmulator`. */
export interface EmulatorContext {
  readonly state: GenesysState
  readonly clock: EmulatorClock
  readonly faults: FaultInjector
  readonly outages: OutageBook
  readonly limiter: TokenRateLimiter
  readonly webhooks: WebhookSender
  readonly limits: Limits
  /** The emulator's own base URL (known once it listens). */
  baseUrl(): string
}
