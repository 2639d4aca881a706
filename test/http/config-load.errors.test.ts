import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { loadConfig } from '../../src/app/config-load.ts'
import { ConfigError } from '../../src/core/errors.ts'
import { createTempDir, type TempDir } from '../support/temp-dir.ts'

/** The ConfigError `load` throws (it must throw one). */
function configError(load: () => unknown): ConfigError {
  try {
    load()
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return error as ConfigError
  }
  throw new Error('loadConfig accepted the configuration')
}

describe('config errors name the key to fix and the variable that sets it', () => {
  let dir: TempDir | undefined
  afterEach(() => dir?.remove())

  it.each([
    ['CXB_HTTP__PORT', '70000', 'http.port'],
    ['CXB_HTTP__PORT', 'eighty', 'http.port'],
    ['CXB_HTTP__BODY_LIMIT_BYTES', '10', 'http.bodyLimitBytes'],
    ['CXB_HTTP__BODY_LIMIT_BYTES', String(51 * 1024 * 1024), 'http.bodyLimitBytes'],
    ['CXB_HTTP__PUBLIC_URL', 'not a url', 'http.publicUrl'],
    ['CXB_STORE__URL', 'mysql://db/cx', 'store.url'],
    ['CXB_QUEUE__CONCURRENCY', '0', 'queue.concurrency'],
    ['CXB_LOG__LEVEL', 'loud', 'log.level'],
    ['CXB_LOG__PRETTY', 'yes', 'log.pretty'],
    ['CXB_MODE', 'production', 'mode'],
    ['CXB_ATTACHMENTS__URL_TTL_MS', '1000', 'attachments.urlTtlMs'],
  ])('%s=%s names %s', (variable, value, path) => {
    const error = configError(() => loadConfig({ env: { [variable]: value } }))
    expect(error.path).toBe(path)
    expect(error.code).toBe('CONFIG_INVALID')
    expect(error.message).toContain(`"${path}"`)
    expect(error.message).toContain(variable)
  })

  it('names the array variable, not an index, for a bad array element', () => {
    const hosts = configError(() =>
      loadConfig({ env: { CXB_TRUSTED_HOSTS: '["127.0.0.1:1", "no-port"]' } }),
    )
    expect(hosts.path).toBe('trustedHosts.1')
    expect(hosts.message).toMatch(/CXB_TRUSTED_HOSTS(?!_)/)
    const types = configError(() =>
      loadConfig({ env: { CXB_ATTACHMENTS__ALLOWED_MEDIA_TYPES: '["image/*", "not a type"]' } }),
    )
    expect(types.message).toMatch(/CXB_ATTACHMENTS__ALLOWED_MEDIA_TYPES(?!_)/)
  })

  it('names an unknown key and its variable, not its parent', () => {
    const nested = configError(() => loadConfig({ env: { CXB_HTTP__PROT: '8080' } }))
    expect(nested.path).toBe('http.prot')
    expect(nested.message).toContain('CXB_HTTP__PROT')
    const top = configError(() => loadConfig({ env: { CXB_PORT: '8080' } }))
    expect(top.path).toBe('port')
    expect(top.message).toContain('CXB_PORT')
    expect(top.message).not.toContain('(root)')
  })

  it('names the key of a bad value in the config file and in overrides', () => {
    dir = createTempDir()
    const file = join(dir.path, 'config.json')
    writeFileSync(file, JSON.stringify({ http: { bodyLimitBytes: 'big' } }))
    const fromFile = configError(() => loadConfig({ file, env: {} }))
    expect(fromFile.path).toBe('http.bodyLimitBytes')
    expect(fromFile.message).toContain('CXB_HTTP__BODY_LIMIT_BYTES')
    const override = configError(() => loadConfig({ env: {}, overrides: { http: { port: -1 } } }))
    expect(override.path).toBe('http.port')
  })

  it('names an unreadable or malformed config file and an unreadable _FILE variable', () => {
    dir = createTempDir()
    expect(configError(() => loadConfig({ file: join(dir!.path, 'none.json') })).message).toMatch(
      /cannot read config file/,
    )
    const broken = join(dir.path, 'broken.json')
    writeFileSync(broken, '{"http": ')
    expect(configError(() => loadConfig({ file: broken, env: {} })).message).toContain(broken)
    const list = join(dir.path, 'list.json')
    writeFileSync(list, '[]')
    expect(configError(() => loadConfig({ file: list, env: {} })).message).toMatch(/JSON object/)
    const missing = configError(() =>
      loadConfig({ env: { CXB_STORE__URL_FILE: join(dir!.path, 'no-such-file') } }),
    )
    expect(missing.path).toBe('CXB_STORE__URL_FILE')
  })

  it('takes a string key from the environment as text even when it looks like a number', () => {
    const config = loadConfig({
      env: {
        CXB_ADMIN__TOKEN_SECRET: '42',
        CXB_DATA_DIR: '2024',
        CXB_HTTP__BODY_LIMIT_BYTES: '4096',
      },
    })
    expect(config.admin.tokenSecret).toBe('42')
    expect(config.dataDir).toBe('2024')
    expect(config.http.bodyLimitBytes).toBe(4096)
  })

  it('freezes a valid configuration', () => {
    const config = loadConfig({ env: { CXB_HTTP__BODY_LIMIT_BYTES: '2048' } })
    expect(config.http.bodyLimitBytes).toBe(2048)
    expect(Object.isFrozen(config.http)).toBe(true)
    expect(() => {
      ;(config.http as { port: number }).port = 1
    }).toThrow(TypeError)
  })
})
