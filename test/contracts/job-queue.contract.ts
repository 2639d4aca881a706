import { afterEach, beforeEach, describe } from 'vitest'

import type { JobQueue } from '../../src/core/ports/job-queue.ts'
import { acceptCases } from './job-queue/accept.cases.ts'
import { failureCases } from './job-queue/failures.cases.ts'
import type { JobQueueFactory, JobQueueHarness } from './job-queue/harness.ts'
import { lifecycleCases } from './job-queue/lifecycle.cases.ts'
import { orderingCases } from './job-queue/ordering.cases.ts'
import { schedulingCases } from './job-queue/scheduling.cases.ts'

export type { JobQueueFactory, JobQueueHarness } from './job-queue/harness.ts'
export { RETRY_STEP_MS } from './job-queue/harness.ts'

export interface QueueContext {
  readonly harness: JobQueueHarness
  /** Opens a queue that the suite closes after the test. */
  open(): Promise<JobQueue>
}

/**
 * The behaviour every JobQueue must show (embedded SQLite now, PostgreSQL later), with no
 * implementation-specific branches: lanes are strict FIFO through retries, a spent retry
 * budget parks the lane, a permanent failure moves it on, and nothing enqueued is lost.
 */
export function describeJobQueueContract(name: string, factory: JobQueueFactory): void {
  describe(`JobQueue contract: ${name}`, () => {
    let harness: JobQueueHarness | undefined
    let opened: JobQueue[] = []
    const context: QueueContext = {
      get harness() {
        if (!harness) throw new Error('no harness')
        return harness
      },
      async open() {
        const queue = await context.harness.open()
        opened.push(queue)
        return queue
      },
    }

    beforeEach(async () => {
      harness = await factory()
    })
    afterEach(async () => {
      for (const queue of opened) await queue.close()
      opened = []
      await harness?.cleanup()
      harness = undefined
    })

    describe('ordering', () => orderingCases(context))
    describe('accept', () => acceptCases(context))
    describe('failures', () => failureCases(context))
    describe('scheduling', () => schedulingCases(context))
    describe('lifecycle', () => lifecycleCases(context))
  })
}
