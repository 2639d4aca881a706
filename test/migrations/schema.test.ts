import type { Kysely } from 'kysely'
import { NO_MIGRATIONS } from 'kysely/migration'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { SqlDialect } from '../../src/infra/store/codec.ts'
import { connect } from '../../src/infra/store/connect.ts'
import { migratorFor } from '../../src/infra/store/migrate.ts'
import { columnTypes } from '../../src/infra/store/migrations/column-types.ts'
import { migrationProvider } from '../../src/infra/store/migrations/index.ts'
import {
  createTestPostgresDatabase,
  type TestPostgresDatabase,
} from '../support/postgres-database.ts'
import { createTempDir, type TempDir } from '../support/temp-dir.ts'
import { expectedSchema, type LogicalType } from './expected-schema.ts'
import { type ActualSchema, introspectPostgres, introspectSqlite } from './introspect.ts'

/** The snapshot in one dialect's physical types. */
function expectedFor(dialect: SqlDialect): ActualSchema {
  const physical: Record<LogicalType, string> = { text: 'text', ...columnTypes(dialect) }
  return Object.fromEntries(
    Object.entries(expectedSchema).map(([name, table]) => [
      name,
      {
        columns: Object.fromEntries(
          Object.entries(table.columns).map(([column, c]) => [
            column,
            { type: physical[c.type], nullable: c.nullable },
          ]),
        ),
        primaryKey: [...table.primaryKey],
        foreignKeys: [...table.foreignKeys].sort(),
        indexes: Object.fromEntries(
          Object.entries(table.indexes).map(([index, i]) => [
            index,
            { columns: [...i.columns], unique: i.unique },
          ]),
        ),
      },
    ]),
  )
}

interface Target {
  readonly dialect: SqlDialect
  open(): Kysely<unknown>
  introspect(): Promise<ActualSchema>
}

function describeMigrations(
  name: string,
  setup: () => Promise<{ target: Target; cleanup(): Promise<void> }>,
) {
  describe(`migrations on ${name}`, () => {
    let target: Target
    let cleanup: () => Promise<void>
    beforeAll(async () => {
      ;({ target, cleanup } = await setup())
    })
    afterAll(() => cleanup?.())

    it('a fresh database after every migration has exactly the expected schema', async () => {
      const db = target.open()
      try {
        const results = await migratorFor(db, target.dialect).migrateToLatest()
        expect(results.error).toBeUndefined()
        expect(await target.introspect()).toEqual(expectedFor(target.dialect))
      } finally {
        await db.destroy()
      }
    })

    it('has nothing left to do on a second run, and records every migration', async () => {
      const db = target.open()
      try {
        const migrator = migratorFor(db, target.dialect)
        expect((await migrator.migrateToLatest()).results).toEqual([])
        const infos = await migrator.getMigrations()
        expect(infos.every((m) => m.executedAt instanceof Date)).toBe(true)
      } finally {
        await db.destroy()
      }
    })

    it('rolls every migration back to an empty database and forward to the same schema', async () => {
      const db = target.open()
      try {
        const migrator = migratorFor(db, target.dialect)
        expect((await migrator.migrateTo(NO_MIGRATIONS)).error).toBeUndefined()
        expect(await target.introspect()).toEqual({})
        expect((await migrator.migrateToLatest()).error).toBeUndefined()
        expect(await target.introspect()).toEqual(expectedFor(target.dialect))
      } finally {
        await db.destroy()
      }
    })
  })
}

describe('migration list', () => {
  // Numbers are reserved by branches that land in any order, so a gap may stay for a while.
  it('names migrations NNNN-name, numbered in increasing order without repeats', async () => {
    const names = Object.keys(await migrationProvider('sqlite').getMigrations())
    expect(names.length).toBeGreaterThan(0)
    for (const name of names) expect(name).toMatch(/^\d{4}-[a-z0-9-]+$/)
    const numbers = names.map((name) => Number(name.slice(0, 4)))
    expect(numbers[0]).toBe(1)
    numbers.slice(1).forEach((n, i) => expect(n).toBeGreaterThan(numbers[i]!))
  })
})

describeMigrations('sqlite', async () => {
  const dir: TempDir = createTempDir()
  const path = dir.file('schema.db')
  return {
    target: {
      dialect: 'sqlite',
      open: () => connect(`sqlite:${path}`).db as Kysely<unknown>,
      introspect: async () => introspectSqlite(path),
    },
    cleanup: async () => dir.remove(),
  }
})

describeMigrations('postgres', async () => {
  const database: TestPostgresDatabase = await createTestPostgresDatabase()
  return {
    target: {
      dialect: 'postgres',
      open: () => connect(database.url).db as Kysely<unknown>,
      introspect: () => introspectPostgres(database.url),
    },
    cleanup: () => database.drop(),
  }
})
