import type { BlobStore } from '../../core/ports/blob-store.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { KeyValueStore } from '../../core/ports/key-value.ts'
import type { Logger } from '../../core/ports/logger.ts'
import type { Metrics } from '../../core/ports/metrics.ts'
import type { RateLimiter } from '../../core/ports/rate-limiter.ts'
import type { SecretStore } from '../../core/ports/secrets.ts'
import type { StateRepository, SubscriptionRepository } from '../../core/ports/store.ts'
import type { HttpClient } from './http.ts'

/** Everything a connector may use from the outside world, all through ports. */
export interface ConnectorDeps {
  readonly http: HttpClient
  readonly clock: Clock
  readonly log: Logger
  readonly secrets: SecretStore
  readonly blobs: BlobStore
  readonly limiter: RateLimiter
  readonly metrics: Metrics
  /** Durable small state: conversation references, catch-up cursors. */
  readonly state: StateRepository
  /** Shared values that expire: directory lookups (Redis in the scaled deployment). */
  readonly cache: KeyValueStore
  /** Remote subscriptions the connector keeps alive (Graph change notifications). */
  readonly subscriptions?: SubscriptionRepository
  /** The bridge's public base URL (webhooks are mounted under it), without a trailing slash. */
  readonly publicUrl: string
  /**
   * Exact `host:port` remotes trusted although they resolve to private addresses, and allowed
   * over plain HTTP: the local emulators in sandbox mode and tests. Empty in production.
   */
  readonly trustedHosts?: readonly string[]
}
