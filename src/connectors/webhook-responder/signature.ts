import { createHmac, timingSafeEqual } from 'node:crypto'

/** The turn's signatures: `v1=<hex>`, one per signing secret, comma-separated. */
export const SIGNATURE_HEADER = 'x-cx-bridge-signature'
/** Unix seconds when the turn was signed; covered by the signature, so it cannot be replaced. */
export const TIMESTAMP_HEADER = 'x-cx-bridge-timestamp'
/** The turn's id, the same on every retry: deduplicate on it. */
export const TURN_ID_HEADER = 'x-cx-bridge-turn-id'

/** Receivers should refuse turns signed longer ago (or further ahead) than this. */
export const DEFAULT_TOLERANCE_SECONDS = 300

/** HMAC-SHA256 over `{timestamp}.{raw body}`, hex. */
export function signTurn(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

/** The signature header for the current secret and, during a rotation, the previous one. */
export function signatureHeader(
  secrets: readonly string[],
  timestamp: number,
  body: string,
): string {
  return secrets.map((secret) => `v1=${signTurn(secret, timestamp, body)}`).join(', ')
}

/**
 * The receiver's check, as docs/responders.md describes it: the timestamp is recent, and one
 * `v1` signature matches the HMAC of `{timestamp}.{raw body}` (compared in constant time).
 */
export function verifyTurnSignature(input: {
  readonly secret: string
  readonly timestampHeader: string | undefined
  readonly signatureHeader: string | undefined
  readonly rawBody: string | Buffer
  readonly nowSeconds: number
  readonly toleranceSeconds?: number
}): boolean {
  const timestamp = Number(input.timestampHeader)
  if (!input.timestampHeader || !/^\d{1,12}$/.test(input.timestampHeader)) return false
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
  if (Math.abs(input.nowSeconds - timestamp) > tolerance) return false
  const expected = Buffer.from(signTurn(input.secret, timestamp, input.rawBody), 'hex')
  return (input.signatureHeader ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .some((part) => {
      const given = Buffer.from(part.slice(3), 'hex')
      return given.length === expected.length && timingSafeEqual(given, expected)
    })
}
