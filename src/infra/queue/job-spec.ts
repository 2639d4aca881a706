import { InvalidInputError } from '../../core/errors.ts'
import type { JobSpec } from '../../core/ports/job-queue.ts'
import type { NewJob } from './job-table.ts'

export const DEFAULT_MAX_ATTEMPTS = 10
const MAX_ATTEMPTS_LIMIT = 1000

/** Checks a spec and serializes its payload, so one bad spec never fails a shared batch. */
export function toNewJob(spec: JobSpec, now: number): NewJob {
  const fail = (message: string) =>
    new InvalidInputError(`job spec: ${message}`, { details: { task: spec.task } })
  if (typeof spec.task !== 'string' || spec.task === '')
    throw fail('task must be a non-empty string')
  for (const key of ['lane', 'dedupeKey'] as const) {
    const value = spec[key]
    if (value !== undefined && (typeof value !== 'string' || value === '')) {
      throw fail(`${key} must be a non-empty string when given`)
    }
  }
  const maxAttempts = spec.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS_LIMIT) {
    throw fail(`maxAttempts must be an integer from 1 to ${MAX_ATTEMPTS_LIMIT}`)
  }
  if (
    spec.runAt !== undefined &&
    !(spec.runAt instanceof Date && !Number.isNaN(spec.runAt.getTime()))
  ) {
    throw fail('runAt must be a valid Date')
  }
  let payload: string | undefined
  try {
    payload = JSON.stringify(spec.payload)
  } catch {
    throw fail('payload must be serializable as JSON')
  }
  if (payload === undefined) throw fail('payload must be a JSON value')
  return {
    task: spec.task,
    payload,
    lane: spec.lane ?? null,
    dedupeKey: spec.dedupeKey ?? null,
    runAt: spec.runAt?.getTime() ?? now,
    maxAttempts,
  }
}
