import type { RawRequest, RawResponse } from '../../../core/ports/connector.ts'

const MAX_TOKEN_LENGTH = 4096

/**
 * Graph validates a notificationUrl (and lifecycleNotificationUrl) with a POST carrying
 * `?validationToken=...`, and wants, within 10 seconds, 200 `text/plain` with the URL-DECODED token.
 * Graph form-encodes it (`Validation%3a+Testing+client+...`), so `+` is a space: URLSearchParams
 * decodes exactly that way. Graph "never sends any value containing HTML or JavaScript code", so a
 * token with markup is refused rather than echoed.
 * https://learn.microsoft.com/graph/change-notifications-delivery-webhooks#notificationurl-validation
 */
export function graphHandshake(req: RawRequest): RawResponse | undefined {
  const token = validationTokenOf(req)
  if (token === undefined) return undefined
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH || hasMarkupOrControl(token)) {
    return {
      status: 400,
      contentType: 'text/plain; charset=utf-8',
      body: 'invalid validationToken',
    }
  }
  return { status: 200, contentType: 'text/plain; charset=utf-8', body: token }
}

function validationTokenOf(req: RawRequest): string | undefined {
  const q = req.url.indexOf('?')
  if (q >= 0) {
    const params = new URLSearchParams(req.url.slice(q + 1))
    return params.get('validationToken') ?? undefined
  }
  return req.query['validationToken']
}

const hasMarkupOrControl = (token: string) =>
  [...token].some((c) => c === '<' || c === '>' || c.charCodeAt(0) < 0x20)
