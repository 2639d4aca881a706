import Database from 'better-sqlite3'
import pg from 'pg'

export interface ActualTable {
  columns: Record<string, { type: string; nullable: boolean }>
  primaryKey: string[]
  foreignKeys: string[]
  indexes: Record<string, { columns: string[]; unique: boolean }>
}
export type ActualSchema = Record<string, ActualTable>

const MIGRATOR_TABLES = new Set(['kysely_migration', 'kysely_migration_lock'])

/** Reads tables, columns, keys and indexes from a SQLite file's catalogue. */
export function introspectSqlite(path: string): ActualSchema {
  const db = new Database(path, { readonly: true })
  try {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all() as Array<{ name: string }>
    const schema: ActualSchema = {}
    for (const { name } of tables.filter((t) => !MIGRATOR_TABLES.has(t.name))) {
      const columns = db.pragma(`table_info(${name})`) as Array<{
        name: string
        type: string
        notnull: number
        pk: number
      }>
      const foreignKeys = db.pragma(`foreign_key_list(${name})`) as Array<{
        table: string
        from: string
        to: string
        on_delete: string
      }>
      const indexes = (
        db.pragma(`index_list(${name})`) as Array<{ name: string; unique: number; origin: string }>
      ).filter((index) => index.origin !== 'pk')
      schema[name] = {
        columns: Object.fromEntries(
          columns.map((c) => [c.name, { type: c.type.toLowerCase(), nullable: c.notnull === 0 }]),
        ),
        primaryKey: columns
          .filter((c) => c.pk > 0)
          .sort((a, b) => a.pk - b.pk)
          .map((c) => c.name),
        foreignKeys: foreignKeys
          .map((fk) => `${fk.from} -> ${fk.table}.${fk.to} on delete ${fk.on_delete}`)
          .sort(),
        indexes: Object.fromEntries(
          indexes.map((index) => [
            index.name,
            {
              columns: (db.pragma(`index_info(${index.name})`) as Array<{ name: string }>).map(
                (c) => c.name,
              ),
              unique: index.unique === 1,
            },
          ]),
        ),
      }
    }
    return schema
  } finally {
    db.close()
  }
}

const PG_DELETE_ACTIONS: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
}
const PG_TYPES: Record<string, string> = { bool: 'boolean' }

/** Reads the same shape from PostgreSQL's catalogue (schema `public`). */
export async function introspectPostgres(url: string): Promise<ActualSchema> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const columns = await client.query<{
      table: string
      name: string
      type: string
      nullable: string
    }>(
      `SELECT table_name AS table, column_name AS name, udt_name AS type, is_nullable AS nullable
         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY ordinal_position`,
    )
    const indexes = await client.query<{
      table: string
      name: string
      unique: boolean
      primary: boolean
      columns: string[]
    }>(
      `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique,
              ix.indisprimary AS primary,
              array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                     ORDER BY k.ord)::text[] AS columns
         FROM pg_index ix
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = 'public'`,
    )
    const foreignKeys = await client.query<{
      table: string
      column: string
      ref_table: string
      ref_column: string
      action: string
    }>(
      `SELECT cl.relname AS table, att.attname AS column, fcl.relname AS ref_table,
              fatt.attname AS ref_column, c.confdeltype AS action
         FROM pg_constraint c
         JOIN pg_class cl ON cl.oid = c.conrelid
         JOIN pg_class fcl ON fcl.oid = c.confrelid
         JOIN pg_attribute att ON att.attrelid = c.conrelid AND att.attnum = c.conkey[1]
         JOIN pg_attribute fatt ON fatt.attrelid = c.confrelid AND fatt.attnum = c.confkey[1]
         JOIN pg_namespace n ON n.oid = cl.relnamespace
        WHERE c.contype = 'f' AND n.nspname = 'public'`,
    )
    const schema: ActualSchema = {}
    const table = (name: string) =>
      (schema[name] ??= { columns: {}, primaryKey: [], foreignKeys: [], indexes: {} })
    for (const c of columns.rows.filter((row) => !MIGRATOR_TABLES.has(row.table))) {
      table(c.table).columns[c.name] = {
        type: PG_TYPES[c.type] ?? c.type,
        nullable: c.nullable === 'YES',
      }
    }
    for (const index of indexes.rows.filter((row) => !MIGRATOR_TABLES.has(row.table))) {
      if (index.primary) table(index.table).primaryKey = index.columns
      else table(index.table).indexes[index.name] = { columns: index.columns, unique: index.unique }
    }
    for (const fk of foreignKeys.rows) {
      table(fk.table).foreignKeys.push(
        `${fk.column} -> ${fk.ref_table}.${fk.ref_column} on delete ${PG_DELETE_ACTIONS[fk.action]}`,
      )
    }
    for (const t of Object.values(schema)) t.foreignKeys.sort()
    return schema
  } finally {
    await client.end()
  }
}
