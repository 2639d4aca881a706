import type { JsonValue } from '../../core/model/json.ts'

export type SqlDialect = 'sqlite' | 'postgres'

/**
 * Converts values between the domain and one dialect's column values. SQLite keeps dates as
 * ISO-8601 text (`toISOString()`, always UTC with milliseconds, so text order is time order),
 * JSON as text and booleans as 0/1 (better-sqlite3 cannot bind booleans); PostgreSQL uses
 * timestamptz, jsonb and boolean, which node-postgres already parses on the way out.
 */
export interface Codec {
  readonly dialect: SqlDialect
  date(value: Date): Date | string
  readDate(value: Date | string): Date
  json(value: unknown): string
  readJson<T = JsonValue>(value: unknown): T
  bool(value: boolean): boolean | number
  readBool(value: boolean | number): boolean
}

export function codecFor(dialect: SqlDialect): Codec {
  return {
    dialect,
    date: (value) => (dialect === 'sqlite' ? value.toISOString() : value),
    readDate: (value) => (value instanceof Date ? value : new Date(value)),
    // node-postgres would turn a JS array into a PostgreSQL array literal: always send JSON text.
    json: (value) => JSON.stringify(value),
    readJson: <T>(value: unknown) =>
      (typeof value === 'string' && dialect === 'sqlite' ? JSON.parse(value) : value) as T,
    bool: (value) => (dialect === 'sqlite' ? (value ? 1 : 0) : value),
    readBool: (value) => value === true || value === 1,
  }
}

/** Optional fields in the model are absent, never `null`. */
export const orUndefined = <T>(value: T | null): T | undefined =>
  value === null ? undefined : value
