import { readFileSync } from 'node:fs'

import { ConfigError } from '../../core/errors.ts'
import { MASTER_KEY_BYTES } from './secret-cipher.ts'

export const MASTER_KEY_ENV = 'CXB_SECRETS_KEY'
export const MASTER_KEY_FILE_ENV = 'CXB_SECRETS_KEY_FILE'

const HEX = /^[0-9a-fA-F]+$/
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/

/**
 * Reads the 32-byte master key from `CXB_SECRETS_KEY`, or from a file (`file`, or the path in
 * `CXB_SECRETS_KEY_FILE`), written as 64 hex digits or base64/base64url. Errors name where
 * the key came from and what is wrong with it, never the key.
 */
export function loadMasterKey(options: { env?: NodeJS.ProcessEnv; file?: string } = {}): Buffer {
  const env = options.env ?? process.env
  const inline = env[MASTER_KEY_ENV]?.trim()
  const file = options.file ?? env[MASTER_KEY_FILE_ENV]?.trim()
  if (inline && file) {
    throw new ConfigError(MASTER_KEY_ENV, `set either ${MASTER_KEY_ENV} or a key file, not both`)
  }
  if (inline) return parseMasterKey(inline, MASTER_KEY_ENV)
  if (file) return parseMasterKey(readKeyFile(file), `key file ${file}`)
  throw new ConfigError(
    MASTER_KEY_ENV,
    `no secrets master key: set ${MASTER_KEY_ENV} to ${MASTER_KEY_BYTES} random bytes ` +
      `(base64 or hex, e.g. "openssl rand -base64 32") or ${MASTER_KEY_FILE_ENV} to a file holding it`,
  )
}

/** Decodes a key written as hex or base64; `source` names it in errors. */
export function parseMasterKey(text: string, source: string): Buffer {
  const value = text.trim()
  let key: Buffer
  if (value.length === MASTER_KEY_BYTES * 2 && HEX.test(value)) {
    key = Buffer.from(value, 'hex')
  } else if (BASE64.test(value)) {
    key = Buffer.from(value, 'base64')
  } else {
    throw new ConfigError(source, 'master key is neither hex nor base64')
  }
  if (key.length !== MASTER_KEY_BYTES) {
    throw new ConfigError(
      source,
      `master key must decode to ${MASTER_KEY_BYTES} bytes, got ${key.length}`,
    )
  }
  return key
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    throw new ConfigError(`key file ${path}`, `cannot read the master key file (${code})`)
  }
}
