import { readFile } from 'node:fs/promises'

import { ConfigError, InvalidInputError, NotFoundError } from '../../core/errors.ts'
import type { Clock } from '../../core/ports/clock.ts'
import type { SecretStore } from '../../core/ports/secrets.ts'
import type { StateRepository } from '../../core/ports/store.ts'
import { systemClock } from '../clock/system-clock.ts'
import type { KeyVaultClient } from './keyvault-client.ts'
import type { SecretCipher } from './secret-cipher.ts'

export interface SecretStoreOptions {
  readonly cipher: SecretCipher
  readonly state: StateRepository
  readonly env?: NodeJS.ProcessEnv
  readonly keyVault?: KeyVaultClient
  readonly clock?: Clock
  /** How long a read value is reused before its source is read again (default 5 min). */
  readonly cacheTtlMs?: number
}

export const SECRETS_NAMESPACE = 'secrets'
const DEFAULT_CACHE_TTL_MS = 5 * 60_000
const MAX_NAME_LENGTH = 200

type Source = 'env' | 'file' | 'keyvault' | 'store'

/**
 * Secrets by name: `env:NAME`, `file:/path` (trimmed), `keyvault:name`, or a plain name kept
 * AES-256-GCM encrypted in the state repository (namespace `secrets`, sealed with the name as
 * authenticated context). Values are cached briefly; `reload` reads the source again. Errors
 * name the secret, never its value.
 */
export function createSecretStore(options: SecretStoreOptions): SecretStore {
  const env = options.env ?? process.env
  const clock = options.clock ?? systemClock
  const ttlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS
  const cache = new Map<string, { value: string; expiresAtMs: number }>()
  const loading = new Map<string, Promise<string>>()

  const readSource = async (name: string): Promise<string> => {
    const [source, ref] = parseName(name)
    const value = await readFrom(source, ref, name)
    if (value === undefined || value === '') throw new NotFoundError(`secret ${name} not found`)
    return value
  }

  const readFrom = async (source: Source, ref: string, name: string) => {
    switch (source) {
      case 'env':
        return env[ref]
      case 'file':
        return readSecretFile(ref)
      case 'keyvault':
        if (!options.keyVault) {
          throw new ConfigError('secrets.keyVault', `${name} needs a Key Vault, none is configured`)
        }
        return options.keyVault.getSecret(ref)
      case 'store': {
        const sealed = await options.state.get(SECRETS_NAMESPACE, ref)
        return typeof sealed === 'string' ? options.cipher.decrypt(sealed, ref) : undefined
      }
    }
  }

  /** One read per name at a time: concurrent callers share it. */
  const load = (name: string): Promise<string> => {
    const pending = loading.get(name)
    if (pending) return pending
    const promise = readSource(name)
      .then((value) => {
        cache.set(name, { value, expiresAtMs: clock.nowMs() + ttlMs })
        return value
      })
      .finally(() => loading.delete(name))
    loading.set(name, promise)
    return promise
  }

  const writableRef = (name: string): string => {
    const [source, ref] = parseName(name)
    if (source !== 'store') throw new InvalidInputError(`secret ${name} is read-only`)
    return ref
  }

  const get = async (name: string): Promise<string> => {
    const cached = cache.get(name)
    if (cached && cached.expiresAtMs > clock.nowMs()) return cached.value
    return load(name)
  }

  return {
    get,
    async reload(name) {
      cache.delete(name)
      return load(name)
    },
    async put(name, value) {
      const ref = writableRef(name)
      if (value === '') throw new InvalidInputError(`secret ${name} must not be empty`)
      await options.state.put(SECRETS_NAMESPACE, ref, options.cipher.encrypt(value, ref))
      cache.set(name, { value, expiresAtMs: clock.nowMs() + ttlMs })
    },
    async delete(name) {
      const ref = writableRef(name)
      cache.delete(name)
      await options.state.delete(SECRETS_NAMESPACE, ref)
    },
    async has(name) {
      try {
        await get(name)
        return true
      } catch (error) {
        if (error instanceof NotFoundError) return false
        throw error
      }
    },
  }
}

function parseName(name: string): [Source, string] {
  if (!name || name.length > MAX_NAME_LENGTH || /\p{Cc}/u.test(name)) {
    throw new InvalidInputError('secret name must be 1-200 printable characters')
  }
  const match = /^(env|file|keyvault):(.+)$/.exec(name)
  if (match) return [match[1] as Source, match[2]!]
  return ['store', name]
}

async function readSecretFile(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim()
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw new ConfigError(
      `file:${path}`,
      `cannot read the secret file (${code ?? 'unknown error'})`,
    )
  }
}
