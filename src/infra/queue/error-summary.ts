import { isBridgeError } from '../../core/errors.ts'

const MAX_LENGTH = 300

/**
 * A short, single-line description of a job failure for `lastError`, shown to operators: the
 * error code or name and the first line of the message, without stack, credentials in URLs,
 * tokens or query strings. A thrown non-Error is described by its type only (it could be anything).
 */
export function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return `thrown ${typeof error}`
  const prefix = isBridgeError(error) ? error.code : error.name
  const firstLine = (error.message.split('\n', 1)[0] ?? '').trim()
  const summary = redact(firstLine ? `${prefix}: ${firstLine}` : prefix)
  return summary.length > MAX_LENGTH ? `${summary.slice(0, MAX_LENGTH - 1)}…` : summary
}

function redact(text: string): string {
  return text
    .replace(/\b(https?:\/\/)[^\s/@]*@/gi, '$1')
    .replace(/(https?:\/\/[^\s?#]*)[?#][^\s]*/gi, '$1')
    .replace(/\b(bearer|basic)\s+[\w.~+/=-]+/gi, '$1 [redacted]')
    .replace(
      /\b([\w-]*(?:token|secret|password|signature|key|sig))(["']?\s*[=:]\s*["']?)[^\s&"',;]+/gi,
      '$1$2[redacted]',
    )
}
