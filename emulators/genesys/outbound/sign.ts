import { createHmac } from 'node:crypto'

/**
 * `X-Hub-Signature-256: sha256=<base64 HMAC-SHA256 of the body>`, keyed with the integration's
 * `outboundNotificationWebhookSignatureSecretToken`. Base64 (not hex) per the validation sample
 * (https://developer.genesys.cloud/commdigital/digital/openmessaging/validate.html, research §3.5).
 * The body is compact JSON so verifiers that re-serialize with JSON.stringify also match.
 */
export function hubSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('base64')}`
}
