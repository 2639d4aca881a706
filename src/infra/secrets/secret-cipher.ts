import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto'

import { UnexpectedError } from '../../core/errors.ts'

export interface SecretCipher {
  /**
   * Encrypts `plaintext`; `context` (e.g. the secret's name) is authenticated but not stored,
   * so a ciphertext copied to another name fails to decrypt.
   */
  encrypt(plaintext: string, context?: string): string
  /** Throws UnexpectedError (without any value) when the key is wrong or the data was altered. */
  decrypt(sealed: string, context?: string): string
}

const VERSION = 'v1'
const IV_BYTES = 12 // the GCM nonce size NIST SP 800-38D recommends
const TAG_BYTES = 16
export const MASTER_KEY_BYTES = 32

/**
 * AES-256-GCM with a random 12-byte IV per value, sealed as `v1.<iv>.<tag>.<ciphertext>`
 * (base64url parts). The version prefix lets a later format or key rotation coexist.
 */
export function createSecretCipher(key: Buffer): SecretCipher {
  if (key.length !== MASTER_KEY_BYTES) {
    throw new RangeError(`secret key must be ${MASTER_KEY_BYTES} bytes, got ${key.length}`)
  }
  // A KeyObject (a copy of the bytes): ciphers take a Buffer key by a much slower path.
  const masterKey = createSecretKey(Buffer.from(key))

  return {
    encrypt(plaintext, context = '') {
      const iv = randomBytes(IV_BYTES)
      const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_BYTES })
      cipher.setAAD(Buffer.from(`${VERSION}|${context}`, 'utf8'))
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      const tag = cipher.getAuthTag()
      return [VERSION, iv, tag, ciphertext].map(encodePart).join('.')
    },

    decrypt(sealed, context = '') {
      const parts = sealed.split('.')
      if (parts.length !== 4 || parts[0] !== VERSION) {
        throw new UnexpectedError('stored secret has an unknown format')
      }
      const [iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'))
      if (iv!.length !== IV_BYTES || tag!.length !== TAG_BYTES) {
        throw new UnexpectedError('stored secret has an unknown format')
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', masterKey, iv!, {
          authTagLength: TAG_BYTES,
        })
        decipher.setAAD(Buffer.from(`${VERSION}|${context}`, 'utf8'))
        decipher.setAuthTag(tag!)
        return Buffer.concat([decipher.update(ciphertext!), decipher.final()]).toString('utf8')
      } catch {
        throw new UnexpectedError(
          'stored secret could not be decrypted: wrong master key or altered data',
        )
      }
    },
  }
}

function encodePart(part: string | Buffer): string {
  return typeof part === 'string' ? part : part.toString('base64url')
}
