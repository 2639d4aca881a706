import { stdSerializers } from 'pino'

/**
 * THE redaction list: every log line passes through it, whatever its depth or the logger's
 * child bindings. Keys are compared lower-cased with `-` and `_` removed, so `client_secret`,
 * `clientSecret` and `Client-Secret` are one entry.
 */
const SENSITIVE_KEYS = new Set(
  [
    'authorization',
    'proxy-authorization',
    'cookie',
    'set-cookie',
    'x-hub-signature-256',
    'x-cx-bridge-signature',
    'x-ms-signature',
    'clientSecret',
    'secret',
    'password',
    'accessToken',
    'refreshToken',
    'idToken',
    'token',
    'webhookToken',
    'appPassword',
    'privateKey',
    'validationToken',
    'validationTokens',
    'clientAssertion',
    'apiKey',
    'sig',
    'signature',
    'encryptedContent',
    'dataKey',
  ].map(normalizeKey),
)

/** Any key ending like this is redacted too (webhookSecret, signatureSecretToken, …). */
const SENSITIVE_SUFFIXES = ['secret', 'password', 'token', 'tokens', 'privatekey']

/** Query or form parameters whose values are credentials or signatures. */
const SENSITIVE_PARAMS = [
  'code',
  'sig',
  'signature',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'client_assertion',
  'password',
  'validationToken',
  'api_key',
  'apikey',
  'key',
]

export const REDACTED = '[redacted]'

const PARAM_PATTERN = new RegExp(
  `([?&;"\\s](?:${SENSITIVE_PARAMS.join('|')})=)[^&;\\s"\\\\#]*`,
  'gi',
)
const AUTH_SCHEME_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g

function normalizeKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '')
}

export function isSensitiveKey(key: string): boolean {
  const normalized = normalizeKey(key)
  return (
    SENSITIVE_KEYS.has(normalized) ||
    SENSITIVE_SUFFIXES.some((suffix) => normalized.endsWith(suffix))
  )
}

/** Replaces credential values inside free text: URL query strings, form bodies, auth headers. */
export function scrubText(text: string): string {
  return text.replace(PARAM_PATTERN, `$1${REDACTED}`).replace(AUTH_SCHEME_PATTERN, `$1 ${REDACTED}`)
}

const MAX_DEPTH = 12

/**
 * A copy of `value` with sensitive keys redacted at any depth. Errors become plain objects via
 * pino's serializer first, so their own fields are redacted too. The input is never mutated.
 */
export function redactValue(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value
  if (depth > MAX_DEPTH) return '[too deep]'
  if (seen.has(value)) return '[circular]'
  seen.add(value)
  if (value instanceof Error) return redactValue({ ...stdSerializers.err(value) }, depth + 1, seen)
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen))
  if (!isPlainObject(value)) return value
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    out[key] = isSensitiveKey(key) && item != null ? REDACTED : redactValue(item, depth + 1, seen)
  }
  return out
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}
