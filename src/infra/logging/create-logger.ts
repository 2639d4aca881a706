import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino'

import { prettyStream } from './pretty-stream.ts'
import { redactValue, scrubText } from './redaction.ts'

export interface LoggerOptions {
  readonly level: LevelWithSilent
  /** Human-readable lines for a terminal instead of JSON. */
  readonly pretty?: boolean
  /** Where lines go (default stdout). */
  readonly destination?: DestinationStream
}

/**
 * The process logger. Every line passes the one redaction list (./redaction.ts) twice: by key
 * on the logged objects and child bindings, then by pattern on the final text, so a token in
 * an error message or a URL's `sig=` is caught too.
 */
export function createLogger(options: LoggerOptions): Logger {
  const target = options.destination ?? pino.destination({ dest: 1, sync: false })
  const destination = options.pretty ? prettyStream(target) : target
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      formatters: {
        log: (object) => redactValue(object) as Record<string, unknown>,
        bindings: (bindings) => redactValue(bindings) as Record<string, unknown>,
      },
      // Errors are already serialized (and redacted) by `formatters.log`.
      serializers: { err: (value: unknown) => value },
      hooks: { streamWrite: scrubText },
    },
    destination,
  )
  // pino skips `formatters.bindings` for children; children inherit this override.
  const child = logger.child
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, redactValue(bindings) as typeof bindings, childOptions)
  } as Logger['child']
  return logger
}
