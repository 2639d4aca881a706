import { Redis } from 'ioredis'

import { RemoteUnavailableError, UnexpectedError } from '../../core/errors.ts'
import type { Logger } from '../../core/ports/logger.ts'

export type { Redis } from 'ioredis'

export interface RedisOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…` (TLS). */
  readonly url: string
  readonly log: Logger
  /** Longest wait for one command before it fails as unavailable (default 5 s). */
  readonly commandTimeoutMs?: number
}

/**
 * Connects and waits until Redis answers; throws (and stops reconnecting) when it cannot, so a
 * process whose configured Redis is down does not start. Afterwards commands never queue while
 * the connection is down (no offline queue, no replay of commands cut off mid-flight, which
 * could apply a compare-and-set twice): they fail at once, as `RemoteUnavailableError` through
 * `callRedis`, and ioredis keeps reconnecting in the background.
 */
export async function openRedis(options: RedisOptions): Promise<Redis> {
  const redis = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 5_000,
    commandTimeout: options.commandTimeoutMs ?? 5_000,
  })
  watchConnection(redis, options.log)
  try {
    await redis.connect()
  } catch (error) {
    redis.disconnect()
    // The URL may carry a password: name only where it points.
    throw new Error(`Redis is not reachable at ${whereOf(options.url)}`, { cause: error })
  }
  return redis
}

/** Sends QUIT (lets replies in flight arrive), or drops the connection when it is down. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') {
    await redis.quit().catch(() => redis.disconnect())
  } else {
    redis.disconnect()
  }
}

/**
 * Runs one Redis call. A connection failure or timeout becomes a retryable
 * `RemoteUnavailableError` (the job runner backs off and tries again); an error reply from the
 * server (a bug in a script or a wrong key type) is unexpected.
 */
export async function callRedis<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (error instanceof Error && error.name === 'ReplyError') {
      throw new UnexpectedError(`Redis refused ${what}`, { cause: error })
    }
    throw new RemoteUnavailableError(`Redis unavailable (${what})`, {
      cause: error,
      retryAfterMs: 1_000,
      details: { dependency: 'redis' },
    })
  }
}

/** One warning when the connection is lost, one line when it is back (not one per retry). */
function watchConnection(redis: Redis, log: Logger): void {
  let lost = false
  redis.on('error', (error: Error) => {
    if (lost) return
    lost = true
    log.warn({ err: error.message }, 'redis connection lost; reconnecting')
  })
  redis.on('ready', () => {
    if (!lost) return
    lost = false
    log.info({}, 'redis connection restored')
  })
}

function whereOf(url: string): string {
  try {
    const parsed = new URL(url)
    return `${parsed.hostname}:${parsed.port || '6379'}`
  } catch {
    return '(unparsable URL)'
  }
}
