/** What of a remote's error answer may be shown: its error code and request id, never the body. */
export interface RemoteErrorDetails {
  readonly status: number
  readonly remoteCode?: string
  /** A finer numeric code beside it: Entra's first `error_codes` entry (the AADSTS number). */
  readonly remoteSubCode?: string
  readonly requestId?: string
}

const SAFE_TOKEN = /^[\w.:/-]{1,100}$/

// Correlation headers: Graph `request-id` / `client-request-id`, Bot Framework and Azure
// `x-ms-request-id`, Genesys `inin-correlation-id`.
const REQUEST_ID_HEADERS = ['request-id', 'x-ms-request-id', 'inin-correlation-id', 'x-request-id']

/**
 * Reads the error code from the common JSON error shapes: Graph and Azure
 * `{ error: { code } }`, OAuth `{ error: "invalid_grant" }`, Genesys `{ code: "bad.request" }`.
 * Anything that is not a short, plain token is dropped, so no remote text reaches our API.
 */
export function remoteErrorDetails(
  status: number,
  headers: Readonly<Record<string, string>>,
  body: Buffer,
): RemoteErrorDetails {
  const parsed = parseJson(body)
  const remoteCode = safeToken(codeFrom(parsed))
  const remoteSubCode = safeToken(subCodeFrom(parsed))
  const requestId = safeToken(REQUEST_ID_HEADERS.map((h) => headers[h]).find(Boolean))
  return {
    status,
    ...(remoteCode ? { remoteCode } : {}),
    ...(remoteSubCode ? { remoteSubCode } : {}),
    ...(requestId ? { requestId } : {}),
  }
}

/** Entra token errors: `error_codes: [7000215]` (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). */
function subCodeFrom(body: unknown): unknown {
  if (!body || typeof body !== 'object') return undefined
  const codes = (body as Record<string, unknown>).error_codes
  return Array.isArray(codes) && Number.isInteger(codes[0]) ? codes[0] : undefined
}

function codeFrom(body: unknown): unknown {
  if (!body || typeof body !== 'object') return undefined
  const record = body as Record<string, unknown>
  const error = record.error
  if (error && typeof error === 'object') return (error as Record<string, unknown>).code
  return typeof error === 'string' ? error : (record.code ?? record.errorCode)
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0 || body.length > 64 * 1024) return undefined
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

function safeToken(value: unknown): string | undefined {
  if (typeof value === 'number') return String(value)
  return typeof value === 'string' && SAFE_TOKEN.test(value) ? value : undefined
}
