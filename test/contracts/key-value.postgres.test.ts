import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { openStore } from '../../src/infra/store/index.ts'
import { useMigratedPostgresDatabase } from '../support/postgres-database.ts'
import { emptyStoreTables } from '../support/store-tables.ts'
import { describeEmbeddedPurge, describeKeyValueContract } from './key-value.contract.ts'

const databaseUrl = useMigratedPostgresDatabase()

async function openEmpty(clock: ManualClock) {
  await emptyStoreTables(databaseUrl())
  return openStore({ url: databaseUrl(), clock })
}

// Two pools on one database stand for two processes; both stamp times with one manual clock.
describeKeyValueContract('postgres', async () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 9))
  const here = await openEmpty(clock)
  const there = await openStore({ url: databaseUrl(), clock })
  return {
    kv: here.keyValue,
    peer: there.keyValue,
    clock,
    advance: async (ms) => clock.advance(ms),
    close: async () => {
      await Promise.all([here.close(), there.close()])
    },
  }
})

describeEmbeddedPurge('postgres', async () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 9))
  const store = await openEmpty(clock)
  return { kv: store.keyValue, clock, close: () => store.close() }
})
