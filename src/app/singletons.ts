import { isRetryable, UnexpectedError } from '../core/errors.ts'
import type { JsonValue } from '../core/model/json.ts'
import type { Clock } from '../core/ports/clock.ts'
import type { JobHandler, JobQueue, JobSpec } from '../core/ports/job-queue.ts'
import type { Logger } from '../core/ports/logger.ts'

/** A job that runs once per period across every worker process sharing the queue. */
export interface Singleton {
  /** Stable name: part of the dedupe key and of the lane, so runs never overlap. */
  readonly name: string
  readonly task: string
  readonly everyMs: number
  readonly payload?: JsonValue
}

/** How often each process offers the current period's job, at most. */
const MAX_OFFER_INTERVAL_MS = 60_000
/** Attempts of one period's run; then it is recorded as failed and the next period tries again. */
export const SINGLETON_ATTEMPTS = 3

/** The lane a singleton's runs share, so a slow run is never overlapped by the next period's. */
export const singletonLane = (name: string) => `singleton:${name}`

/**
 * The job of the period `nowMs` falls in. Periods are aligned on the epoch, so every process
 * computes the same dedupe key and the shared queue keeps one job per period however many
 * processes offer it (a fleet-wide singleton job; the embedded queue has one process anyway).
 */
export function singletonJob(singleton: Singleton, nowMs: number): JobSpec {
  const period = Math.floor(nowMs / singleton.everyMs)
  return {
    task: singleton.task,
    payload: singleton.payload ?? {},
    lane: singletonLane(singleton.name),
    dedupeKey: `singleton:${singleton.name}:${singleton.everyMs}:${period}`,
    maxAttempts: SINGLETON_ATTEMPTS,
  }
}

/**
 * Offers each singleton's job of the current period now and then (at least twice a period, so
 * no period is skipped while any worker runs). Stop before closing the queue.
 */
export function offerSingletons(
  singletons: readonly Singleton[],
  deps: { readonly queue: JobQueue; readonly clock: Clock; readonly log: Logger },
): { offered: Promise<void>; stop(): void } {
  const offer = async (list: readonly Singleton[]) => {
    const now = deps.clock.nowMs()
    try {
      await deps.queue.enqueue(list.map((s) => singletonJob(s, now)))
    } catch (error) {
      deps.log.warn({ err: error, singletons: list.map((s) => s.name) }, 'singleton offer failed')
    }
  }
  const timers = singletons.map((singleton) => {
    const every = Math.max(1, Math.min(MAX_OFFER_INTERVAL_MS, Math.floor(singleton.everyMs / 2)))
    return setInterval(() => void offer([singleton]), every).unref()
  })
  return {
    offered: offer(singletons),
    stop: () => {
      for (const timer of timers) clearInterval(timer)
    },
  }
}

/**
 * A singleton's handler: transient failures retry within the period's budget; the last attempt's
 * failure is recorded as permanent, so the singleton's lane is never parked and the next period
 * runs as usual.
 */
export function singletonHandler(handler: JobHandler): JobHandler {
  return async (job, ctx) => {
    try {
      await handler(job, ctx)
    } catch (error) {
      if (!isRetryable(error) || job.attempt < job.maxAttempts) throw error
      throw new UnexpectedError(`singleton ${job.task} failed ${job.attempt} times`, {
        cause: error,
      })
    }
  }
}
