import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { ConfigError, InvalidInputError, NotFoundError } from '../../core/errors.ts'
import type { JsonValue } from '../../core/model/json.ts'
import type { StateRepository } from '../../core/ports/store.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import type { KeyVaultClient } from './keyvault-client.ts'
import { createSecretCipher } from './secret-cipher.ts'
import { createSecretStore, SECRETS_NAMESPACE } from './secret-store.ts'

function memoryState(): StateRepository & { rows: Map<string, JsonValue> } {
  const rows = new Map<string, JsonValue>()
  const id = (ns: string, key: string) => `${ns}\u0000${key}`
  return {
    rows,
    get: async <T extends JsonValue>(ns: string, key: string) =>
      rows.get(id(ns, key)) as T | undefined,
    put: async (ns, key, value) => void rows.set(id(ns, key), value),
    delete: async (ns, key) => void rows.delete(id(ns, key)),
    list: async <T extends JsonValue>(ns: string) =>
      [...rows]
        .filter(([k]) => k.startsWith(`${ns}\u0000`))
        .map(([k, value]) => ({ key: k.slice(ns.length + 1), value: value as T })),
    purgeBefore: () => Promise.reject(new Error('unexpected state.purgeBefore')),
  }
}

const SECRET = 'a-very-secret-value-123'

function setup(extra: { env?: NodeJS.ProcessEnv; keyVault?: KeyVaultClient } = {}) {
  const state = memoryState()
  const clock = new ManualClock()
  const cipher = createSecretCipher(randomBytes(32))
  const store = createSecretStore({ cipher, state, clock, cacheTtlMs: 1000, ...extra })
  return { state, clock, store }
}

describe('secret store: plain names', () => {
  it('stores values encrypted and reads them back', async () => {
    const { state, store } = setup()
    await store.put('genesys/org1/clientSecret', SECRET)
    const sealed = state.rows.get(`${SECRETS_NAMESPACE}\u0000genesys/org1/clientSecret`)
    expect(typeof sealed).toBe('string')
    expect(sealed).not.toContain(SECRET)
    expect(await store.get('genesys/org1/clientSecret')).toBe(SECRET)
    expect(await store.has('genesys/org1/clientSecret')).toBe(true)
    await store.delete('genesys/org1/clientSecret')
    expect(await store.has('genesys/org1/clientSecret')).toBe(false)
  })

  it('refuses a ciphertext moved to another name', async () => {
    const { state, store } = setup()
    await store.put('a', SECRET)
    await state.put(SECRETS_NAMESPACE, 'b', (await state.get(SECRETS_NAMESPACE, 'a'))!)
    await expect(store.get('b')).rejects.toThrow(/could not be decrypted/)
  })

  it('throws NotFoundError naming the secret, and refuses bad names and read-only writes', async () => {
    const { store } = setup({ env: { X: SECRET } })
    await expect(store.get('missing')).rejects.toThrow(NotFoundError)
    await expect(store.get('missing')).rejects.toThrow('secret missing not found')
    await expect(store.put('env:X', 'v')).rejects.toThrow(InvalidInputError)
    await expect(store.get('bad\nname')).rejects.toThrow(InvalidInputError)
    await expect(store.put('empty', '')).rejects.toThrow(InvalidInputError)
  })
})

describe('secret store: sources and cache', () => {
  it('reads env: and file: sources (trimmed) and never puts values in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxb-secret-'))
    writeFileSync(join(dir, 's'), `  ${SECRET}\n`)
    const { store } = setup({ env: { BOT_PASSWORD: SECRET, EMPTY: '' } })
    expect(await store.get('env:BOT_PASSWORD')).toBe(SECRET)
    expect(await store.get(`file:${join(dir, 's')}`)).toBe(SECRET)
    await expect(store.get('env:EMPTY')).rejects.toThrow('secret env:EMPTY not found')
    await expect(store.get(`file:${join(dir, 'none')}`)).rejects.toThrow(NotFoundError)
    await expect(store.get(`file:${dir}`)).rejects.toThrow(ConfigError)
    expect(await store.has('env:NOPE')).toBe(false)
  })

  it('caches for the TTL; reload reads the source again', async () => {
    const env: NodeJS.ProcessEnv = { TOKEN: 'one' }
    const { store, clock } = setup({ env })
    expect(await store.get('env:TOKEN')).toBe('one')
    env.TOKEN = 'two'
    expect(await store.get('env:TOKEN')).toBe('one')
    expect(await store.reload('env:TOKEN')).toBe('two')
    env.TOKEN = 'three'
    clock.advance(999)
    expect(await store.get('env:TOKEN')).toBe('two')
    clock.advance(1)
    expect(await store.get('env:TOKEN')).toBe('three')
  })

  it('reads keyvault: names through the Key Vault client, one read for concurrent callers', async () => {
    let reads = 0
    const keyVault: KeyVaultClient = {
      getSecret: async (name) => {
        reads += 1
        await new Promise((resolve) => setTimeout(resolve, 5))
        return name === 'bot-password' ? SECRET : undefined
      },
    }
    const { store } = setup({ keyVault })
    const values = await Promise.all([
      store.get('keyvault:bot-password'),
      store.get('keyvault:bot-password'),
    ])
    expect(values).toEqual([SECRET, SECRET])
    expect(reads).toBe(1)
    await expect(store.get('keyvault:other')).rejects.toThrow('secret keyvault:other not found')
    await expect(setup().store.get('keyvault:x')).rejects.toThrow(
      /no.*configured|none is configured/,
    )
  })
})
