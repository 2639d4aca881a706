import {
  type BridgeError,
  RemoteAuthError,
  RemoteRejectedError,
  RemoteUnavailableError,
} from '../../core/errors.ts'
import type { ApiError } from './wire.ts'

const SAFE_TOKEN = /^[\w.:/-]{1,100}$/

/** `code` and `type` of an OpenAI error object, when they are plain tokens (never the message). */
export function safeErrorFields(error: ApiError): { remoteCode?: string; remoteType?: string } {
  const code = error.code === undefined || error.code === null ? undefined : String(error.code)
  const type = error.type ?? undefined
  return {
    ...(code && SAFE_TOKEN.test(code) ? { remoteCode: code } : {}),
    ...(type && SAFE_TOKEN.test(type) ? { remoteType: type } : {}),
  }
}

/**
 * An error event inside a stream (`data: {"error": {...}}`, as the OpenAI SDKs read it) as a
 * BridgeError. Rate limits and server errors pass; a refused key is an auth failure; anything
 * else is permanent.
 */
export function errorFromStreamEvent(error: ApiError, host: string): BridgeError {
  const fields = safeErrorFields(error)
  const details = { host, midStream: true, ...fields }
  const words = `${fields.remoteCode ?? ''} ${fields.remoteType ?? ''}`
  if (/rate_limit|requests|tokens/.test(words) && !/insufficient_quota/.test(words)) {
    return new RemoteUnavailableError(`${host}: rate limited mid-answer`, { status: 429, details })
  }
  if (/server_error|overloaded|timeout|unavailable/.test(words) || words.trim() === '') {
    return new RemoteUnavailableError(`${host}: the remote failed mid-answer`, { details })
  }
  if (/invalid_api_key|authentication|permission/.test(words)) {
    return new RemoteAuthError(`${host}: credentials refused mid-answer`)
  }
  return new RemoteRejectedError(`${host}: the remote refused the request mid-answer`, { details })
}

/**
 * A 429 for an exhausted quota or billing limit cannot pass by waiting: it is permanent until
 * an operator acts (https://platform.openai.com/docs/guides/error-codes).
 */
export function quotaExhausted(error: unknown): RemoteRejectedError | undefined {
  if (!(error instanceof RemoteUnavailableError) || error.status !== 429) return undefined
  if (error.details?.remoteCode !== 'insufficient_quota') return undefined
  return new RemoteRejectedError(`${String(error.details.host)}: the API quota is exhausted`, {
    status: 429,
    details: { ...error.details },
    cause: error,
  })
}

/**
 * How long to wait after a 429 when there is no Retry-After: `retry-after-ms`, else the reset
 * of the exhausted budget in `x-ratelimit-reset-requests` / `x-ratelimit-reset-tokens`
 * (durations such as `1s`, `6m0s`, `20ms`;
 * https://platform.openai.com/docs/guides/rate-limits#rate-limits-in-headers).
 */
export function rateLimitWaitMs(headers: Readonly<Record<string, string>>): number | undefined {
  const direct = Number(headers['retry-after-ms'])
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(direct) && direct >= 0) {
    return Math.ceil(direct)
  }
  const budgets = ['requests', 'tokens'].map((kind) => ({
    exhausted: headers[`x-ratelimit-remaining-${kind}`] === '0',
    resetMs: parseDuration(headers[`x-ratelimit-reset-${kind}`]),
  }))
  const known = budgets.filter((b) => b.resetMs !== undefined)
  const chosen = known.some((b) => b.exhausted) ? known.filter((b) => b.exhausted) : known
  if (chosen.length === 0) return undefined
  return Math.max(...chosen.map((b) => b.resetMs!))
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001 }

/** A Go-style duration (`1h2m3.5s`, `250ms`) in milliseconds, rounded up. */
export function parseDuration(value: string | undefined): number | undefined {
  if (!value) return undefined
  const text = value.trim()
  if (!/^(\d+(\.\d+)?(h|ms|us|m|s))+$/.test(text)) return undefined
  let total = 0
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|m|s)/g)) {
    total += Number(amount) * UNIT_MS[unit!]!
  }
  return Math.ceil(total)
}
