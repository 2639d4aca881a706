import { type AttachableClock, type Clock as BossClock, systemClock as bossClock } from 'pg-boss'

import type { Clock } from '../../../core/ports/clock.ts'
import { systemClock } from '../../clock/system-clock.ts'

/**
 * A Clock whose time pg-boss also installs in the database (pg-boss's TestClock replaces the
 * schema's `job_now()`), so SQL decides what is due on the same time as the caller. For tests:
 * in production pg-boss reads the database server's clock, as it should.
 */
export interface DatabaseClock extends Clock {
  readonly database: AttachableClock
}

export function isDatabaseClock(clock: Clock): clock is DatabaseClock {
  return 'database' in clock
}

/**
 * The clock pg-boss runs on. Due times are always the database's (`job_now()`); any other
 * Clock only sets what pg-boss's own JavaScript side reads as now, its timers stay real.
 */
export function toBossClock(clock: Clock | undefined): BossClock {
  if (!clock || clock === systemClock) return bossClock
  if (isDatabaseClock(clock)) return clock.database
  return { ...bossClock, now: () => clock.nowMs() }
}
