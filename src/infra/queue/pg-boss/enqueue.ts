import type { JobInsert, PgBoss } from 'pg-boss'

import type { JsonValue } from '../../../core/model/json.ts'
import type { EnqueueResult, JobSpec } from '../../../core/ports/job-queue.ts'
import { toNewJob } from '../job-spec.ts'
import type { DedupeKeys } from './dedupe-keys.ts'
import { type JobData, retryLimitFor, singletonKeyFor } from './job-data.ts'
import { nextJobId } from './job-ids.ts'
import type { JobNotices } from './job-notices.ts'
import type { JobReads } from './job-reads.ts'
import { JOB_TIMING } from './queue-settings.ts'
import { inTransaction } from './transaction.ts'

export interface EnqueueDeps {
  readonly boss: PgBoss
  readonly queue: string
  readonly reads: JobReads
  readonly dedupe: DedupeKeys
  readonly notices: JobNotices
}

/** A checked job with its id, ready for `enqueueJobs`. */
export interface PlannedJob {
  readonly id: string
  readonly spec: JobSpec
  readonly data: JobData
}

/**
 * Checks a spec (throwing InvalidInputError) and gives the job its id, which sorts in the order
 * of these calls, so a caller's bad spec never fails a batch it shares with others.
 */
export function planJob(spec: JobSpec): PlannedJob {
  const job = toNewJob(spec, 0)
  const data: JobData = {
    task: job.task,
    payload: JSON.parse(job.payload) as JsonValue,
    ...(spec.lane === undefined ? {} : { lane: spec.lane }),
    ...(spec.dedupeKey === undefined ? {} : { dedupeKey: spec.dedupeKey }),
    maxAttempts: job.maxAttempts,
    claimOffset: 0,
  }
  return { id: nextJobId(), spec, data }
}

/**
 * Stores a batch in one transaction (resolves after COMMIT, so the caller may acknowledge).
 * A lane's job never starts before the jobs ahead of it: pg-boss's `key_strict_fifo` skips a
 * head that is not due yet and would run the next job of the key, so a job inherits the latest
 * start of its lane's queued jobs.
 */
export async function enqueueJobs(
  deps: EnqueueDeps,
  planned: readonly PlannedJob[],
): Promise<EnqueueResult[]> {
  const firstWithKey = new Map<string, string>()
  for (const { id, spec } of planned) {
    if (spec.dedupeKey !== undefined && !firstWithKey.has(spec.dedupeKey)) {
      firstWithKey.set(spec.dedupeKey, id)
    }
  }
  return inTransaction(deps.boss, async (db) => {
    // The caller acknowledges on our answer, so COMMIT must wait for the WAL flush whatever the
    // server's default: with synchronous_commit off a crash loses transactions already reported
    // committed (https://www.postgresql.org/docs/current/runtime-config-wal.html).
    await db.executeSql('SET LOCAL synchronous_commit TO on')
    const taken = await deps.dedupe.claim(db, firstWithKey)
    const results = planned.map(({ id, spec }): EnqueueResult => {
      if (spec.dedupeKey === undefined) return { id, duplicate: false }
      const holder = taken.get(spec.dedupeKey) ?? firstWithKey.get(spec.dedupeKey)!
      return { id: holder, duplicate: holder !== id }
    })
    const fresh = planned.filter((_, i) => !results[i]!.duplicate)
    const laneKeys = fresh.flatMap(({ id, data }) =>
      data.lane === undefined ? [] : [singletonKeyFor(data.lane, id)],
    )
    const laneStarts = await deps.reads.laneStarts(db, [...new Set(laneKeys)])
    const inserts = fresh.map(({ id, spec, data }): JobInsert => {
      const singletonKey = singletonKeyFor(data.lane, id)
      const startAfter = latest(spec.runAt, laneStarts.get(singletonKey))
      if (data.lane !== undefined && startAfter) laneStarts.set(singletonKey, startAfter)
      return {
        id,
        data,
        singletonKey,
        ...(startAfter ? { startAfter } : {}),
        retryLimit: retryLimitFor(data.maxAttempts, 0),
        ...JOB_TIMING,
      }
    })
    if (inserts.length > 0) {
      const ids = await deps.boss.insert(deps.queue, inserts, { db, returnId: true })
      if (ids?.length !== inserts.length) throw new Error('pg-boss did not store every job')
      await deps.notices.announce(db)
    }
    return results
  })
}

function latest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a || !b) return a ?? b
  return a.getTime() >= b.getTime() ? a : b
}
