import { type ApiKeyId, apiKeyId } from '../../core/model/account.ts'

/**
 * An API key as handed out: `cxb_<key id>_<secret>`. The id (16 hex digits) finds the stored
 * key; the secret (32 random bytes, base64url) is checked against its SHA-256. A fast hash is
 * enough here because the secret is 256 random bits, not a password: nothing can be guessed
 * faster by trying hashes than by trying keys. The `cxb_` prefix lets secret scanners and
 * people recognise a leaked key.
 */
export const API_KEY_PREFIX = 'cxb_'

const TOKEN = /^cxb_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/

export interface MintedKey {
  readonly id: ApiKeyId
  /** The whole key, shown once. */
  readonly token: string
  readonly secretHash: string
}

export async function mintApiKeyToken(): Promise<MintedKey> {
  const id = apiKeyId(hex(randomBytes(8)))
  const secret = base64url(randomBytes(32))
  return { id, token: `${API_KEY_PREFIX}${id}_${secret}`, secretHash: await sha256Hex(secret) }
}

/** The key id and the hash of the secret of a well-formed key; undefined otherwise. */
export async function readApiKeyToken(
  token: string,
): Promise<{ readonly id: ApiKeyId; readonly secretHash: string } | undefined> {
  const match = TOKEN.exec(token)
  if (!match) return undefined
  return { id: apiKeyId(match[1]!), secretHash: await sha256Hex(match[2]!) }
}

export const looksLikeApiKey = (token: string) => token.startsWith(API_KEY_PREFIX)

/** Compares two equal-length hex digests without an early exit. */
export function sameDigest(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

// Web Crypto (a global in Node, no import): the flows layer stays free of node:* modules.
const randomBytes = (n: number) => crypto.getRandomValues(new Uint8Array(n))

async function sha256Hex(text: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))))
}

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
