import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { ConfigError, UnexpectedError } from '../../core/errors.ts'
import { loadMasterKey } from './master-key.ts'
import { createSecretCipher } from './secret-cipher.ts'

const key = randomBytes(32)
const SECRET = 'refresh-token-value-ÄÖÜ-🔑'

describe('createSecretCipher', () => {
  it('round-trips values in a versioned base64url format with a fresh IV each time', () => {
    const cipher = createSecretCipher(key)
    const one = cipher.encrypt(SECRET, 'name')
    const two = cipher.encrypt(SECRET, 'name')
    expect(one).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/)
    expect(one).not.toBe(two)
    expect(one).not.toContain(Buffer.from(SECRET).toString('base64url'))
    expect(cipher.decrypt(one, 'name')).toBe(SECRET)
    expect(cipher.decrypt(cipher.encrypt(''), '')).toBe('')
  })

  it('refuses altered data, another context, another key and unknown formats', () => {
    const cipher = createSecretCipher(key)
    const sealed = cipher.encrypt(SECRET, 'name')
    const [v, iv, tag, data] = sealed.split('.')
    const flipped = Buffer.from(data!, 'base64url')
    flipped[0]! ^= 1
    const altered = [v, iv, tag, flipped.toString('base64url')].join('.')
    for (const attempt of [
      () => cipher.decrypt(altered, 'name'),
      () => cipher.decrypt(sealed, 'other-name'),
      () => createSecretCipher(randomBytes(32)).decrypt(sealed, 'name'),
      () => cipher.decrypt(sealed.replace('v1.', 'v9.'), 'name'),
      () => cipher.decrypt('garbage', 'name'),
    ]) {
      expect(attempt).toThrow(UnexpectedError)
      try {
        attempt()
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(SECRET)
      }
    }
  })

  it('requires a 32-byte key', () => {
    expect(() => createSecretCipher(randomBytes(16))).toThrow(/32 bytes, got 16/)
  })
})

describe('loadMasterKey', () => {
  it('reads hex, base64 and base64url keys from the environment', () => {
    expect(loadMasterKey({ env: { CXB_SECRETS_KEY: key.toString('hex') } })).toEqual(key)
    expect(loadMasterKey({ env: { CXB_SECRETS_KEY: key.toString('base64') } })).toEqual(key)
    expect(loadMasterKey({ env: { CXB_SECRETS_KEY: key.toString('base64url') } })).toEqual(key)
  })

  it('reads a key file given directly or through CXB_SECRETS_KEY_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cxb-key-')), 'key')
    writeFileSync(file, `${key.toString('base64')}\n`)
    expect(loadMasterKey({ env: {}, file })).toEqual(key)
    expect(loadMasterKey({ env: { CXB_SECRETS_KEY_FILE: file } })).toEqual(key)
  })

  it('explains what is wrong without echoing the key', () => {
    const short = randomBytes(16).toString('base64')
    expect(() => loadMasterKey({ env: { CXB_SECRETS_KEY: short } })).toThrow(
      /CXB_SECRETS_KEY: master key must decode to 32 bytes, got 16/,
    )
    expect(() => loadMasterKey({ env: { CXB_SECRETS_KEY: 'not a key!' } })).toThrow(
      /neither hex nor base64/,
    )
    expect(() => loadMasterKey({ env: {} })).toThrow(/no secrets master key/)
    expect(() => loadMasterKey({ env: {}, file: '/nonexistent/key' })).toThrow(/ENOENT/)
    expect(() =>
      loadMasterKey({ env: { CXB_SECRETS_KEY: key.toString('hex') }, file: '/x' }),
    ).toThrow(ConfigError)
    try {
      loadMasterKey({ env: { CXB_SECRETS_KEY: short } })
    } catch (error) {
      expect((error as Error).message).not.toContain(short)
    }
  })
})
