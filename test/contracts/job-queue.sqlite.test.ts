import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { openSqliteQueue } from '../../src/infra/queue/sqlite-queue.ts'
import { createTempDir } from '../support/temp-dir.ts'
import { describeJobQueueContract, RETRY_STEP_MS } from './job-queue.contract.ts'

describeJobQueueContract('sqlite', async () => {
  const dir = createTempDir('cxb-queue-')
  const clock = new ManualClock(Date.now())
  return {
    open: async () =>
      openSqliteQueue({
        path: dir.file('queue.db'),
        clock,
        pollIntervalMs: 5,
        backoff: { baseMs: RETRY_STEP_MS / 2, maxMs: RETRY_STEP_MS },
      }),
    now: () => clock.nowMs(),
    advance: async (ms) => clock.advance(ms),
    cleanup: async () => dir.remove(),
  }
})
