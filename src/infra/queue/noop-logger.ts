import type { Logger } from '../../core/ports/logger.ts'

/** Used when no logger is given (tests, scripts). */
export const noopLogger: Logger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => noopLogger,
}
