import type { Kysely } from 'kysely'
import type { Migration, MigrationProvider } from 'kysely/migration'

import type { SqlDialect } from '../codec.ts'
import * as initial from './0001-initial.ts'
import * as keyValue from './0002-key-value.ts'
import * as accounts from './0003-accounts.ts'
import * as retention from './0004-retention.ts'
import * as messageIndexes from './0005-message-indexes.ts'
import { type ColumnTypes, columnTypes } from './column-types.ts'

interface DialectMigration {
  up(db: Kysely<unknown>, types: ColumnTypes): Promise<void>
  down?(db: Kysely<unknown>, types: ColumnTypes): Promise<void>
}

/**
 * Every migration, in order. Add a file `NNNN-name.ts` and list it here; never edit one that
 * has shipped. A static list (not a folder scan) works the same from source and from a bundle.
 */
const all: Readonly<Record<string, DialectMigration>> = {
  '0001-initial': initial,
  '0002-key-value': keyValue,
  '0003-accounts': accounts,
  '0004-retention': retention,
  '0005-message-indexes': messageIndexes,
}

export function migrationProvider(dialect: SqlDialect): MigrationProvider {
  const types = columnTypes(dialect)
  const bound: Record<string, Migration> = {}
  for (const [name, m] of Object.entries(all)) {
    bound[name] = {
      up: (db) => m.up(db, types),
      down: m.down && ((db) => m.down!(db, types)),
    }
  }
  return { getMigrations: async () => bound }
}
