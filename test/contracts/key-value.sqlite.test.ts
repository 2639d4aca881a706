import { ManualClock } from '../../src/infra/clock/manual-clock.ts'
import { openStore } from '../../src/infra/store/index.ts'
import { describeEmbeddedPurge, describeKeyValueContract } from './key-value.contract.ts'

async function openSqlite() {
  const clock = new ManualClock(Date.UTC(2026, 2, 1, 9))
  const store = await openStore({ url: 'sqlite::memory:', clock })
  await store.migrate()
  return { store, clock }
}

// One in-memory database serves one process: its peer is the same store.
describeKeyValueContract('sqlite', async () => {
  const { store, clock } = await openSqlite()
  return {
    kv: store.keyValue,
    peer: store.keyValue,
    clock,
    advance: async (ms) => clock.advance(ms),
    close: () => store.close(),
  }
})

describeEmbeddedPurge('sqlite', async () => {
  const { store, clock } = await openSqlite()
  return { kv: store.keyValue, clock, close: () => store.close() }
})
