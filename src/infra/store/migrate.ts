import type { Kysely } from 'kysely'
import { Migrator } from 'kysely/migration'

import type { SqlDialect } from './codec.ts'
import { migrationProvider } from './migrations/index.ts'

export function migratorFor(db: Kysely<unknown>, dialect: SqlDialect): Migrator {
  // Migrations written on parallel branches may land out of name order (0003 before 0002): a
  // database that already ran the later one still takes the earlier one.
  return new Migrator({
    db,
    provider: migrationProvider(dialect),
    allowUnorderedMigrations: true,
  })
}

/** Applies every pending migration; throws the first failure (Kysely rolls that one back). */
export async function migrateToLatest(db: Kysely<unknown>, dialect: SqlDialect): Promise<void> {
  const { error } = await migratorFor(db, dialect).migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
}
