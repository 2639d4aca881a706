import { openStore } from '../../src/infra/store/index.ts'
import { describeStoreContract } from './store.contract.ts'

describeStoreContract('sqlite', async ({ clock }) => {
  const store = await openStore({ url: 'sqlite::memory:', clock })
  await store.migrate()
  return store
})
