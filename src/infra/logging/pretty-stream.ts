import type { DestinationStream } from 'pino'

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
}
const SKIPPED = new Set(['level', 'time', 'msg', 'pid', 'hostname'])

/**
 * A small human-readable renderer for development (`HH:MM:SS LEVEL message key=value …`), so
 * pretty output needs neither pino-pretty nor a worker thread. Lines arrive already redacted.
 */
export function prettyStream(out: { write(chunk: string): unknown }): DestinationStream {
  return {
    write(line: string) {
      out.write(formatPrettyLine(line))
    },
  }
}

export function formatPrettyLine(line: string): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line
  }
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now())
  const level = LEVEL_NAMES[Number(entry.level)] ?? String(entry.level)
  const fields = Object.entries(entry)
    .filter(([key]) => !SKIPPED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
  const msg = typeof entry.msg === 'string' ? entry.msg : ''
  return `${time.toISOString().slice(11, 23)} ${level} ${msg}${fields.length ? ' ' + fields.join(' ') : ''}\n`
}
