import { afterAll, beforeAll } from 'vitest'

import { openStore } from '../../src/infra/store/index.ts'
import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../support/postgres-database.ts'
import { emptyStoreTables } from '../support/store-tables.ts'
import { describeStoreContract } from './store.contract.ts'

let database: TestPostgresDatabase

beforeAll(async () => {
  database = await createTestPostgresDatabase()
  const store = await openStore({ url: database.url })
  await store.migrate()
  await store.close()
})
afterAll(() => database?.drop())

describeStoreContract('postgres', async ({ clock }) => {
  await emptyStoreTables(database.url)
  return openStore({ url: database.url, clock })
})
