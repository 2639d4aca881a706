import { expect } from 'vitest'

import type { Job, JobHandler, JobQueue, JobSpec } from '../../../src/core/ports/job-queue.ts'
import type { JobQueueHarness } from './harness.ts'
import { RETRY_STEP_MS } from './harness.ts'

/** Records every handler call, and checks that no two jobs of one lane ever overlap. */
export class RunLog {
  readonly runs: Array<{
    id: string
    payload: unknown
    lane: string | undefined
    attempt: number
  }> = []
  readonly #activeLanes = new Set<string>()
  #concurrent = 0
  maxConcurrent = 0

  /** Wraps a handler body; `body` may throw to fail the attempt. */
  handler(body: (job: Job, signal: AbortSignal) => Promise<void> = async () => {}): JobHandler {
    return async (job, ctx) => {
      this.runs.push({ id: job.id, payload: job.payload, lane: job.lane, attempt: job.attempt })
      if (job.lane !== undefined) {
        expect(this.#activeLanes.has(job.lane), `lane ${job.lane} ran two jobs at once`).toBe(false)
        this.#activeLanes.add(job.lane)
      }
      this.#concurrent += 1
      this.maxConcurrent = Math.max(this.maxConcurrent, this.#concurrent)
      try {
        await body(job, ctx.signal)
      } finally {
        this.#concurrent -= 1
        if (job.lane !== undefined) this.#activeLanes.delete(job.lane)
      }
    }
  }

  payloads(lane?: string): unknown[] {
    return this.runs.filter((r) => lane === undefined || r.lane === lane).map((r) => r.payload)
  }
}

/** Runs until `done()` holds, moving queue time one retry step whenever the queue is idle. */
export async function runUntil(
  queue: JobQueue,
  harness: JobQueueHarness,
  done: () => boolean | Promise<boolean>,
  maxSteps = 20,
): Promise<void> {
  for (let step = 0; step <= maxSteps; step += 1) {
    await queue.idle()
    if (await done()) return
    await harness.advance(RETRY_STEP_MS)
  }
  throw new Error(`condition not reached after ${maxSteps} retry steps`)
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Enqueues one job and answers its id. */
export async function enqueueOne(queue: JobQueue, spec: JobSpec): Promise<string> {
  const [result] = await queue.enqueue([spec])
  return result!.id
}

/** Resolves when `check` holds, polling; for waiting on a handler to start. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time')
    await pause(2)
  }
}
