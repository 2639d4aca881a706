import { randomBytes } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { createTempDir, type TempDir } from '../../test/support/temp-dir.ts'
import { createLogger } from '../infra/logging/create-logger.ts'
import { loadConfig } from './config-load.ts'
import { masterKeyFor } from './infrastructure.ts'

describe('masterKeyFor', () => {
  let dir: TempDir | undefined
  afterEach(() => dir?.remove())
  const log = createLogger({ level: 'silent' })
  const config = (overrides: object = {}) => loadConfig({ env: {}, overrides })

  it('takes CXB_SECRETS_KEY although the data directory has a key file', () => {
    dir = createTempDir()
    const key = randomBytes(32)
    writeFileSync(dir.file('secrets.key'), randomBytes(32).toString('base64'))
    const env = { CXB_SECRETS_KEY: key.toString('base64') }
    expect(masterKeyFor(config(), dir.path, log, env)).toEqual(key)
  })

  it('takes the file named by CXB_SECRETS_KEY_FILE and generates nothing', () => {
    dir = createTempDir()
    const key = randomBytes(32)
    writeFileSync(dir.file('elsewhere.key'), key.toString('hex'))
    const env = { CXB_SECRETS_KEY_FILE: dir.file('elsewhere.key') }
    expect(masterKeyFor(config(), dir.path, log, env)).toEqual(key)
    expect(existsSync(dir.file('secrets.key'))).toBe(false)
  })

  it('generates a key file on first run and reads the same key afterwards', () => {
    dir = createTempDir()
    const first = masterKeyFor(config(), dir.path, log, {})
    expect(first).toHaveLength(32)
    expect(masterKeyFor(config(), dir.path, log, {})).toEqual(first)
  })

  it('refuses a configured key file that does not exist', () => {
    dir = createTempDir()
    const keyFile = join(dir.path, 'missing.key')
    expect(() => masterKeyFor(config({ secrets: { keyFile } }), dir!.path, log, {})).toThrow(
      /does not exist/,
    )
  })
})
