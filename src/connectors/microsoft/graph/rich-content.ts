import {
  createDecipheriv,
  createHmac,
  createSecretKey,
  type KeyObject,
  timingSafeEqual,
  webcrypto,
} from 'node:crypto'

import { AuthenticationError, InvalidInputError } from '../../../core/errors.ts'

/**
 * Decrypts the `encryptedContent` of a rich notification, as documented in
 * https://learn.microsoft.com/graph/change-notifications-with-resource-data#decrypting-resource-data-from-change-notifications
 * 1. `dataKey`: RSA-OAEP with SHA-1/MGF1 under our certificate's public key.
 * 2. `dataSignature`: HMAC-SHA256 of the base64-decoded `data`, keyed with the symmetric key,
 *    checked BEFORE decrypting (a forged ciphertext never reaches the cipher).
 * 3. `data`: AES-CBC with PKCS7 padding, IV = the first 16 bytes of the symmetric key.
 */
export interface EncryptedContent {
  readonly data: string
  readonly dataKey: string
  readonly dataSignature: string
}

/** AES-256: Graph's samples decrypt with `aes-256-cbc`, i.e. a 32-byte key. */
const KEY_BYTES = 32

export async function decryptRichContent(
  content: EncryptedContent,
  privateKey: KeyObject,
): Promise<unknown> {
  const symmetricKey = await unwrapKey(content.dataKey, privateKey)
  // As a KeyObject: Node's HMAC and cipher constructors take a Buffer key by a slow path
  // (the HMAC and decipher here: ~117 µs with the Buffer, ~25 µs with createSecretKey first).
  const key = createSecretKey(symmetricKey)
  const data = Buffer.from(content.data, 'base64')
  const expected = createHmac('sha256', key).update(data).digest()
  if (!equalBytes(expected, Buffer.from(content.dataSignature, 'base64'))) {
    throw new AuthenticationError('rich notification data signature does not match')
  }
  let plain: string
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, symmetricKey.subarray(0, 16))
    plain = Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8')
  } catch (cause) {
    throw new InvalidInputError('rich notification data cannot be decrypted', { cause })
  }
  try {
    return JSON.parse(plain) as unknown
  } catch (cause) {
    throw new InvalidInputError('rich notification data is not JSON', { cause })
  }
}

/**
 * The RSA private-key operation (~0.2 ms) runs in libuv's thread pool through WebCrypto, not on
 * the event loop that acknowledges webhooks (`crypto.privateDecrypt` is synchronous).
 */
async function unwrapKey(dataKey: string, privateKey: KeyObject): Promise<Buffer> {
  let key: Buffer
  try {
    key = Buffer.from(
      await webcrypto.subtle.decrypt(
        { name: 'RSA-OAEP' },
        oaepKeyOf(privateKey),
        Buffer.from(dataKey, 'base64'),
      ),
    )
  } catch (cause) {
    // Not encrypted for our certificate: someone else's notification or a forgery.
    throw new AuthenticationError('rich notification key was not encrypted for this app', {
      cause,
    })
  }
  if (key.length !== KEY_BYTES) {
    throw new AuthenticationError('rich notification key has an unexpected length')
  }
  return key
}

const oaepKeys = new WeakMap<KeyObject, webcrypto.CryptoKey>()

/** The same private key as a WebCrypto RSA-OAEP/SHA-1 key, made once per KeyObject. */
function oaepKeyOf(privateKey: KeyObject): webcrypto.CryptoKey {
  let key = oaepKeys.get(privateKey)
  if (!key) {
    key = privateKey.toCryptoKey({ name: 'RSA-OAEP', hash: 'SHA-1' }, false, ['decrypt'])
    oaepKeys.set(privateKey, key)
  }
  return key
}

/**
 * Constant-time comparison of two byte strings. Only the length can differ in time: a signature
 * (an HMAC-SHA256) has a public length, and a clientState's length tells nothing of its value.
 * Hashing both sides first to hide the length cost ~5 µs per notification, about 5 % of a
 * webhook's CPU (docs/benchmarks.md).
 */
export function equalBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Constant-time comparison with a fixed secret (clientState). */
export function secretMatcher(secret: string): (candidate: string) => boolean {
  const bytes = Buffer.from(secret, 'utf8')
  return (candidate) => equalBytes(Buffer.from(candidate, 'utf8'), bytes)
}

/** Constant-time comparison of two strings. */
export const equalSecrets = (a: string, b: string) => secretMatcher(b)(a)
