import { setImmediate as tick } from 'node:timers/promises'

import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { createMemoryRateLimiter } from '../../src/infra/limits/memory-limiter.ts'
import { describeRateLimiterContract } from './rate-limiter.contract.ts'

const STEP_MS = 5

// The embedded deployment has one process: its "peer" is the same limiter.
describeRateLimiterContract('memory', async (budgets) => {
  const clock = new ManualClock(0)
  const limiter = createMemoryRateLimiter({ budgets, clock })
  return {
    limiter,
    peer: limiter,
    now: () => clock.nowMs(),
    async advance(ms) {
      for (let passed = 0; passed < ms; passed += STEP_MS) {
        clock.advance(Math.min(STEP_MS, ms - passed))
        await tick()
      }
    },
    close: async () => {},
  }
})
