import type { ColumnDataType } from 'kysely'

import type { SqlDialect } from '../codec.ts'

/** The only dialect difference in the schema: how a timestamp, a JSON value and a flag are stored. */
export interface ColumnTypes {
  readonly timestamp: ColumnDataType
  readonly json: ColumnDataType
  readonly bool: ColumnDataType
}

export function columnTypes(dialect: SqlDialect): ColumnTypes {
  return dialect === 'sqlite'
    ? { timestamp: 'text', json: 'text', bool: 'boolean' }
    : { timestamp: 'timestamptz', json: 'jsonb', bool: 'boolean' }
}
