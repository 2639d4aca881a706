import { hkdfSync, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

import { createExtraCaAgent } from '../connectors/shared/http-client.ts'
import type { Clock } from '../core/ports/clock.ts'
import type { KeyValueStore } from '../core/ports/key-value.ts'
import type { Logger } from '../core/ports/logger.ts'
import type { ReadinessCheck } from '../http/ops/routes.ts'
import { createLocalBlobStore } from '../infra/blob/local-disk.ts'
import { systemClock } from '../infra/clock/system-clock.ts'
import type { RateBudgets } from '../infra/limits/budgets.ts'
import { createMemoryRateLimiter } from '../infra/limits/memory-limiter.ts'
import { createPrometheusMetrics } from '../infra/metrics/prometheus.ts'
import { openSqliteQueue } from '../infra/queue/sqlite-queue.ts'
import {
  createSecretCipher,
  createSecretStore,
  loadMasterKey,
  MASTER_KEY_ENV,
  MASTER_KEY_FILE_ENV,
} from '../infra/secrets/index.ts'
import { createKeyValueSessionStore } from '../infra/sessions/key-value-sessions.ts'
import { openStore } from '../infra/store/index.ts'
import type { Config } from './config.ts'

export type Infrastructure = Awaited<ReturnType<typeof openInfrastructure>>

/** Opens one implementation of every port, as the configuration says. */
export async function openInfrastructure(
  config: Config,
  log: Logger,
  publicUrl: string,
  clock: Clock = systemClock,
) {
  const dataDir = resolve(config.dataDir)
  mkdirSync(dataDir, { recursive: true })
  const metrics = createPrometheusMetrics()
  const store = await openStore({
    url: config.store.url ?? `sqlite:${join(dataDir, 'cx-bridge.db')}`,
    clock,
    log,
  })
  await store.migrate()
  const queueLog = log.child({ component: 'queue' })
  const queueUrl = config.queue.url
  const queue = queueUrl
    ? // Loaded only when configured: pg-boss costs ~8 MiB of RSS a SQLite deployment never uses.
      await import('../infra/queue/pg-boss/index.ts').then(({ openPgBossQueue }) =>
        openPgBossQueue({ connectionString: queueUrl, clock, log: queueLog, metrics }),
      )
    : openSqliteQueue({
        path: config.queue.path ?? join(dataDir, 'queue.db'),
        clock,
        log: queueLog,
        metrics,
      })
  const masterKey = masterKeyFor(config, dataDir, log)
  // Also seals short-lived values handed to a browser (the service-account sign-in state).
  const cipher = createSecretCipher(masterKey)
  const secrets = createSecretStore({
    cipher,
    state: store.state,
    env: process.env,
  })
  const blobs = createLocalBlobStore({
    dir: join(dataDir, 'blobs'),
    publicUrl: `${publicUrl}/blobs`,
    signingKey: Buffer.from(
      hkdfSync('sha256', masterKey, Buffer.alloc(0), 'cx-bridge blob url signing', 32),
    ),
    clock,
  })
  const budgets = rateBudgets(config.limits)
  const redisUrl = config.redis.url
  const redis = redisUrl
    ? // Loaded only when configured, like pg-boss: embedded deployments never need ioredis.
      await import('../infra/redis/shared-state.ts').then(({ openRedisSharedState }) =>
        openRedisSharedState({
          url: redisUrl,
          keyPrefix: config.redis.keyPrefix,
          budgets,
          clock,
          log: log.child({ component: 'redis' }),
        }),
      )
    : undefined
  const limiter = redis?.limiter ?? createMemoryRateLimiter({ clock, budgets })
  const keyValue: KeyValueStore = redis?.keyValue ?? store.keyValue
  const sessions = createKeyValueSessionStore({ kv: keyValue, clock })
  const dispatcher = config.tls.extraCaFile
    ? createExtraCaAgent(readFileSync(config.tls.extraCaFile))
    : undefined
  return {
    clock,
    metrics,
    store,
    queue,
    secrets,
    cipher,
    blobs,
    limiter,
    keyValue,
    sessions,
    redis,
    dispatcher,
  }
}

/** Budgets per rate-key prefix (the same in every process, so the fleet shares one). */
export function rateBudgets(limits: Config['limits']): RateBudgets {
  return {
    genesys: { limit: limits.genesysPerMinute, intervalMs: 60_000 },
    graph: { limit: limits.graphPerSecond, intervalMs: 1_000 },
    botframework: { limit: limits.botPerSecond, intervalMs: 1_000 },
    // A bucket of `burst` refilled to stay within the hourly limit (Teams bot rate limits:
    // https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit).
    'botframework-conv': {
      limit: limits.botConversationBurst,
      intervalMs: (limits.botConversationBurst * 3_600_000) / limits.botConversationPerHour,
    },
  }
}

/**
 * What `/readyz` checks: the store and the queue answer a trivial query. A shared dependency
 * added later (Redis) adds its check here.
 */
export function readinessChecks(
  infra: Pick<Infrastructure, 'store' | 'queue' | 'redis'>,
): ReadinessCheck[] {
  return [
    { name: 'store', check: () => infra.store.ping() },
    { name: 'queue', check: () => infra.queue.ping() },
    ...(infra.redis ? [{ name: 'redis', check: infra.redis.ping }] : []),
  ]
}

/**
 * The AES-256-GCM master key: `CXB_SECRETS_KEY` / `CXB_SECRETS_KEY_FILE` win (config.ts), then the
 * configured or data-directory key file; generated on first run when neither exists.
 */
export function masterKeyFor(
  config: Config,
  dataDir: string,
  log: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Buffer {
  if (env[MASTER_KEY_ENV] || env[MASTER_KEY_FILE_ENV]) return loadMasterKey({ env })
  const file = config.secrets.keyFile ?? join(dataDir, 'secrets.key')
  if (existsSync(file)) return loadMasterKey({ env: {}, file })
  if (config.secrets.keyFile) throw new Error(`secrets.keyFile ${file} does not exist`)
  writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 })
  log.warn({ file }, 'generated a new secrets master key: back it up with the database')
  return loadMasterKey({ env: {}, file })
}
