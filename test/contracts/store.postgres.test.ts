import { openStore } from '../../src/infra/store/index.ts'
import { useMigratedPostgresDatabase } from '../support/postgres-database.ts'
import { emptyStoreTables } from '../support/store-tables.ts'
import { describeStoreContract } from './store.contract.ts'

const databaseUrl = useMigratedPostgresDatabase()

describeStoreContract('postgres', async ({ clock }) => {
  await emptyStoreTables(databaseUrl())
  return openStore({ url: databaseUrl(), clock })
})
