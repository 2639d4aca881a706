import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { createTempDir, type TempDir } from '../../test/support/temp-dir.ts'
import { loadConfig } from './config-load.ts'

describe('loadConfig environment overlay', () => {
  let dir: TempDir | undefined
  afterEach(() => dir?.remove())

  it('sets keys whose name ends in File literally (CXB_TLS__EXTRA_CA_FILE is tls.extraCaFile)', () => {
    const config = loadConfig({
      env: { CXB_TLS__EXTRA_CA_FILE: '/etc/ca.pem', CXB_SECRETS__KEY_FILE: '/etc/key' },
    })
    expect(config.tls.extraCaFile).toBe('/etc/ca.pem')
    expect(config.secrets.keyFile).toBe('/etc/key')
  })

  it('reads other keys from the file named by a _FILE variable', () => {
    dir = createTempDir()
    const file = join(dir.path, 'url')
    writeFileSync(file, 'postgres://postgres@127.0.0.1/test\n')
    expect(loadConfig({ env: { CXB_STORE__URL_FILE: file } }).store.url).toBe(
      'postgres://postgres@127.0.0.1/test',
    )
  })

  it('takes Redis from CXB_REDIS__URL (or its _FILE) and refuses another scheme', () => {
    dir = createTempDir()
    const file = join(dir.path, 'redis-url')
    writeFileSync(file, 'rediss://:pw@redis.internal:6380/2\n')
    const config = loadConfig({ env: { CXB_REDIS__URL_FILE: file, CXB_REDIS__KEY_PREFIX: 'eu1:' } })
    expect(config.redis).toEqual({ url: 'rediss://:pw@redis.internal:6380/2', keyPrefix: 'eu1:' })
    expect(loadConfig({ env: {} }).redis).toEqual({ keyPrefix: 'cxb:' })
    expect(() => loadConfig({ env: { CXB_REDIS__URL: 'http://redis:6379' } })).toThrow(
      /CXB_REDIS__URL/,
    )
  })

  it('leaves the secrets master key variables to the key loader', () => {
    const config = loadConfig({
      env: { CXB_SECRETS_KEY: 'x'.repeat(44), CXB_SECRETS_KEY_FILE: '/nonexistent/key' },
    })
    expect(config.secrets.keyFile).toBeUndefined()
  })

  it("leaves the launcher's V8 flags to the launcher (the bridge starts with them set)", () => {
    expect(() => loadConfig({ env: { CXB_V8_FLAGS: '' } })).not.toThrow()
    expect(() => loadConfig({ env: { CXB_V8_FLAGS: '--optimize-for-size' } })).not.toThrow()
    expect(() => loadConfig({ env: { CXB_V8_FLAG: '' } })).toThrow(/v8Flag/)
  })

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ env: { CXB_HTTP__PORT: '70000' } })).toThrow(/CXB_HTTP__PORT/)
  })
})
