import type { IntegrationId } from '../core/model/ids.ts'
import type { Integration } from '../core/model/integration.ts'
import type { BlobStore } from '../core/ports/blob-store.ts'
import type { Clock } from '../core/ports/clock.ts'
import type { BackendClient, ChannelClient } from '../core/ports/connector.ts'
import type { JobQueue } from '../core/ports/job-queue.ts'
import type { Logger } from '../core/ports/logger.ts'
import type { Metrics } from '../core/ports/metrics.ts'
import type { Store } from '../core/ports/store.ts'

/** Opens (and caches) the client of one integration; throws NotFoundError when it is unknown. */
export interface ClientRegistry {
  channel(id: IntegrationId): Promise<{ integration: Integration; client: ChannelClient }>
  backend(id: IntegrationId): Promise<{ integration: Integration; client: BackendClient }>
  /** Every enabled channel integration (for subscription keeping and catch-up). */
  channels(): Promise<Array<{ integration: Integration; client: ChannelClient }>>
}

export interface AttachmentPolicy {
  readonly maxBytes: number
  /** MIME types with optional `type/*` wildcards. */
  readonly allowedMediaTypes: readonly string[]
  /** How long a re-hosted attachment's signed URL stays valid. */
  readonly urlTtlMs: number
}

export interface FlowDeps {
  readonly store: Store
  readonly queue: JobQueue
  readonly blobs: BlobStore
  readonly clock: Clock
  readonly log: Logger
  readonly metrics: Metrics
  readonly clients: ClientRegistry
  readonly attachments: AttachmentPolicy
  /**
   * How long each message is held after its own timestamp so a conversation's messages go out
   * oldest first (resequence.ts); 0 forwards in arrival order.
   */
  readonly resequenceWindowMs?: number
}
