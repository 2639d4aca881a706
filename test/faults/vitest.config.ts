import { defineConfig } from 'vitest/config'

/** `npm run test:faults`: the fault-injection suite alone, one file at a time (it owns the CPU). */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.test.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
