import { isBridgeError } from '../../core/errors.ts'

export type ErrorLogLevel = 'info' | 'warn' | 'error'

/**
 * The log level an error deserves, from its class: a caller's mistake is info, a remote's
 * trouble is warn, a bug (or anything unclassified) is error.
 */
export function levelForError(error: unknown): ErrorLogLevel {
  if (!isBridgeError(error)) return 'error'
  switch (error.code) {
    case 'UNEXPECTED':
    case 'CONFIG_INVALID':
      return 'error'
    case 'REMOTE_UNAVAILABLE':
    case 'UNAVAILABLE':
    case 'REMOTE_AMBIGUOUS':
    case 'REMOTE_AUTH':
    case 'REMOTE_REJECTED':
      return 'warn'
    default:
      return 'info'
  }
}
