import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'

import { createTempDir, type TempDir } from '../../../test/support/temp-dir.ts'
import { ConfigError } from '../../core/errors.ts'
import { connect } from './connect.ts'

describe('connect', () => {
  let dir: TempDir | undefined
  afterEach(() => dir?.remove())

  it('refuses a URL it does not know, naming the config key', () => {
    expect(() => connect('mysql://localhost/x')).toThrow(ConfigError)
    expect(() => connect('sqlite:')).toThrow(/store\.url/)
  })

  it('opens a SQLite file in a new folder with WAL, full sync and foreign keys on', async () => {
    dir = createTempDir()
    const { dialect, db } = connect(`sqlite:${dir.file('nested/deeper/bridge.db')}`)
    try {
      expect(dialect).toBe('sqlite')
      const pragma = async (name: string) =>
        Object.values((await sql.raw(`PRAGMA ${name}`).execute(db)).rows[0] as object)[0]
      expect(await pragma('journal_mode')).toBe('wal')
      expect(await pragma('synchronous')).toBe(2) // FULL
      expect(await pragma('foreign_keys')).toBe(1)
      expect(await pragma('busy_timeout')).toBe(5000)
    } finally {
      await db.destroy()
    }
  })
})
