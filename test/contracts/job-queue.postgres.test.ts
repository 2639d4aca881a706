import { TestClock } from 'pg-boss'
import { afterAll, beforeAll } from 'vitest'

import type { DatabaseClock } from '../../src/infra/queue/pg-boss/database-clock.ts'
import { openPgBossQueue } from '../../src/infra/queue/pg-boss/pg-boss-queue.ts'
import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../support/postgres-database.ts'
import { describeJobQueueContract, RETRY_STEP_MS } from './job-queue.contract.ts'

let database: TestPostgresDatabase
let schemas = 0

beforeAll(async () => {
  database = await createTestPostgresDatabase()
})
afterAll(() => database?.drop())

// Each test gets its own pg-boss schema in this file's database, and its own pg-boss TestClock:
// the queue's time is the database's (`job_now()`), which the TestClock moves, so `advance`
// moves what the database considers due (runAt, backoff, Retry-After), as real time would.
describeJobQueueContract('postgres (pg-boss)', async () => {
  const schema = `queue_${(schemas += 1)}`
  const time = new TestClock(Date.now())
  return {
    open: () =>
      openPgBossQueue({
        connectionString: database.url,
        schema,
        clock: databaseClock(time),
        pollIntervalMs: 10,
        backoff: { baseMs: RETRY_STEP_MS / 2, maxMs: RETRY_STEP_MS },
      }),
    now: () => time.now(),
    advance: (ms) => time.tick(ms),
    // The schema goes with the database after the file.
    cleanup: async () => {},
  }
})

function databaseClock(time: TestClock): DatabaseClock {
  return {
    database: time,
    now: () => new Date(time.now()),
    nowMs: () => time.now(),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason)
        const timer = time.setTimeout(() => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }, ms)
        const onAbort = () => {
          time.clearTimeout(timer)
          reject(signal!.reason)
        }
        signal?.addEventListener('abort', onAbort, { once: true })
      }),
  }
}
