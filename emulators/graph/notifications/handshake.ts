import { postToSubscriber } from './http-post.ts'

/** Why validation failed, in Graph's words, or undefined when the endpoint echoed the token. */
export type HandshakeOutcome =
  | { ok: true; latencyMs: number; status: number }
  | { ok: false; message: string; latencyMs: number; status: number | undefined }

// "Subscription validation request failed. …" texts and the 10-second deadline are those Graph
// returns (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation,
// https://github.com/microsoftgraph/nodejs-webhooks-sample/issues/350).
export const VALIDATION_TIMEOUT_MS = 10_000

/**
 * Graph POSTs `{url}?validationToken={token}` (URL-encoded) and expects, within 10 s, a 200 with
 * `text/plain` whose body is exactly the decoded token.
 */
export async function validateEndpoint(
  url: string,
  token: string,
  timeoutMs = VALIDATION_TIMEOUT_MS,
): Promise<HandshakeOutcome> {
  const target = new URL(url)
  target.searchParams.append('validationToken', token)
  const result = await postToSubscriber(
    target.toString(),
    '',
    'text/plain; charset=utf-8',
    timeoutMs,
  )
  const base = { latencyMs: result.latencyMs, status: result.status }
  if (result.status === undefined) {
    return { ok: false, ...base, message: 'Subscription validation request timed out.' }
  }
  if (result.status !== 200) {
    return {
      ok: false,
      ...base,
      message:
        'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
    }
  }
  if (!(result.contentType ?? '').toLowerCase().startsWith('text/plain')) {
    return {
      ok: false,
      ...base,
      message: 'Subscription validation request failed. Response must be of type text/plain.',
    }
  }
  if (result.text !== token) {
    return {
      ok: false,
      ...base,
      message:
        'Subscription validation request failed. Response must exactly match validationToken query parameter.',
    }
  }
  return { ok: true, latencyMs: result.latencyMs, status: result.status }
}

/** Graph's tokens read like this one; opaque to clients, with spaces and colons to decode. */
export const validationTokenFor = (requestId: string): string =>
  `Validation: Testing client application reachability for subscription Request-Id: ${requestId}`
