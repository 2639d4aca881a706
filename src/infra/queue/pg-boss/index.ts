export type { DatabaseClock } from './database-clock.ts'
export type { PgBossQueueOptions } from './options.ts'
export { openPgBossQueue } from './pg-boss-queue.ts'
