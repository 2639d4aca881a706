import { PgBoss } from 'pg-boss'

import { ConfigError } from '../../../core/errors.ts'
import type { Logger } from '../../../core/ports/logger.ts'
import { errorSummary } from '../error-summary.ts'
import { toBossClock } from './database-clock.ts'
import { DedupeKeys } from './dedupe-keys.ts'
import type { PgBossQueueOptions } from './options.ts'
import { JOB_TIMING, QUEUE_NAME, SCHEMA_NAME } from './queue-settings.ts'

/**
 * Starts pg-boss (installing or migrating its schema) and makes sure the bridge's queue and
 * dedupe table exist. Safe to run from several processes at once.
 */
export async function startBoss(
  options: PgBossQueueOptions,
  log: Logger,
): Promise<{ boss: PgBoss; schema: string }> {
  const schema = options.schema ?? 'pgboss'
  if (!SCHEMA_NAME.test(schema)) {
    throw new ConfigError('queue.schema', 'use lower-case letters, digits and underscores')
  }
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema,
    clock: toBossClock(options.clock),
    application_name: 'cx-bridge',
    // No cron schedules here; supervision (expiry, heartbeats) stays on.
    schedule: false,
  })
  boss.on('error', (error) => log.error({ err: errorSummary(error) }, 'pg-boss reported an error'))
  boss.on('warning', (warning) => log.warn({ detail: warning.message }, 'pg-boss warning'))
  await boss.start()
  try {
    await boss.createQueue(QUEUE_NAME, { policy: 'key_strict_fifo', ...JOB_TIMING })
    const queue = await boss.getQueue(QUEUE_NAME)
    if (queue?.policy !== 'key_strict_fifo') {
      throw new ConfigError('queue.schema', `pg-boss queue ${QUEUE_NAME} is not key_strict_fifo`)
    }
    await new DedupeKeys(schema).install(boss.getDb())
  } catch (error) {
    await boss.stop({ graceful: false })
    throw error
  }
  return { boss, schema }
}
