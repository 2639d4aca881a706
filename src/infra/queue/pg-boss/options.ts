import type { Clock } from '../../../core/ports/clock.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import type { Metrics } from '../../../core/ports/metrics.ts'
import type { BackoffOptions } from '../backoff.ts'
import type { RetentionOptions } from '../retention.ts'
import type { DatabaseClock } from './database-clock.ts'

export interface PgBossQueueOptions extends RetentionOptions {
  readonly connectionString: string
  /** pg-boss's schema (default `pgboss`), created if missing; the dedupe keys live there too. */
  readonly schema?: string
  /** A DatabaseClock (tests) also moves the database's time; see database-clock.ts. */
  readonly clock?: Clock | DatabaseClock
  readonly log?: Logger
  readonly metrics?: Metrics
  /** How often an idle worker looks for jobs whose time has come (default 1000). */
  readonly pollIntervalMs?: number
  /** Retry delays after transient failures (default 1 s doubling to 5 min). */
  readonly backoff?: BackoffOptions
}
