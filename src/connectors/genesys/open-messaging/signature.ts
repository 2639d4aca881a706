import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * `X-Hub-Signature-256: sha256=<base64 HMAC-SHA256 of the body>`, keyed with the integration's
 * `outboundNotificationWebhookSignatureSecretToken`. Base64, not hex: the documented verifier
 * ends in `.digest('base64')` (https://developer.genesys.cloud/commdigital/digital/openmessaging/validate).
 * Computed over the raw bytes received: the documented `JSON.stringify(parsed)` only matches
 * because Genesys sends compact JSON, and re-serializing would break on any other spacing.
 */
export function signBody(rawBody: Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('base64')}`
}

/** Constant-time comparison; the `sha256=` prefix is matched without regard to case. */
export function signatureMatches(
  header: string | undefined,
  rawBody: Uint8Array,
  secret: string,
): boolean {
  if (!header || secret === '') return false
  const prefix = 'sha256='
  if (header.slice(0, prefix.length).toLowerCase() !== prefix) return false
  const received = Buffer.from(header.slice(prefix.length).trim(), 'utf8')
  const expected = Buffer.from(signBody(rawBody, secret).slice(prefix.length), 'utf8')
  return received.length === expected.length && timingSafeEqual(received, expected)
}
