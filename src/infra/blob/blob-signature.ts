import { createHmac, timingSafeEqual } from 'node:crypto'

/** Random hex keys only: nothing a caller passes can name a path outside the store. */
export const BLOB_KEY = /^[0-9a-f]{32}$/

const SIGNATURE_BYTES = 32

/** base64url(HMAC-SHA256(signingKey, `${key}|${expiresAtMs}`)) */
export function signBlob(signingKey: Buffer, key: string, expiresAtMs: number): string {
  return createHmac('sha256', signingKey).update(`${key}|${expiresAtMs}`).digest('base64url')
}

/** Constant-time check of a signature; false for a bad key, expiry or signature shape. */
export function verifyBlobSignature(
  signingKey: Buffer,
  key: string,
  expiresAtMs: number,
  signature: string,
  nowMs: number,
): boolean {
  if (!BLOB_KEY.test(key) || !Number.isSafeInteger(expiresAtMs) || expiresAtMs <= nowMs) {
    return false
  }
  const given = Buffer.from(signature, 'base64url')
  // timingSafeEqual throws on a length mismatch, so compare fixed-length digests only.
  if (given.length !== SIGNATURE_BYTES) return false
  const expected = Buffer.from(signBlob(signingKey, key, expiresAtMs), 'base64url')
  return timingSafeEqual(given, expected)
}
