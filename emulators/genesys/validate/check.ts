import type { FieldProblem } from '../routes/errors.ts'

export type Json = Record<string, unknown>

export const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Collects every problem in a body, so one 400 names all of them. */
export class Problems {
  readonly list: FieldProblem[] = []

  add(field: string, problem: string): void {
    this.list.push({ field, problem })
  }

  get empty(): boolean {
    return this.list.length === 0
  }

  /** A required non-empty string. */
  requiredString(value: unknown, field: string): string | undefined {
    if (typeof value === 'string' && value.length > 0) return value
    this.add(field, value === undefined ? 'is required' : 'must be a non-empty string')
    return undefined
  }

  optionalString(value: unknown, field: string): string | undefined {
    if (value === undefined) return undefined
    if (typeof value === 'string') return value
    this.add(field, 'must be a string')
    return undefined
  }

  /** Case-sensitive enum; undefined when absent or wrong. */
  oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T | undefined {
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
      return value as T
    this.add(field, value === undefined ? 'is required' : `must be one of ${allowed.join(', ')}`)
    return undefined
  }

  /** A legacy field the new endpoints ignore; tolerated only with its one valid value. */
  legacy(value: unknown, expected: string, field: string): void {
    if (value !== undefined && value !== expected)
      this.add(field, `must be ${expected} when present (the endpoint ignores it otherwise)`)
  }

  /** A `{ [key]: string }` map (a nested object or number here is a real 400). */
  stringMap(value: unknown, field: string): Record<string, string> | undefined {
    if (value === undefined) return undefined
    if (!isObject(value)) {
      this.add(field, 'must be an object of string values')
      return undefined
    }
    for (const [key, v] of Object.entries(value))
      if (typeof v !== 'string') this.add(`${field}.${key}`, 'must be a string')
    return value as Record<string, string>
  }
}

// "Date time is represented as an ISO-8601 string. For example: yyyy-MM-ddTHH:mm:ss[.mmm]Z"
// (OpenInboundMessageMessagingChannel.time, platform API model docs).
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/

export function checkTime(value: unknown, field: string, problems: Problems): string | undefined {
  if (value === undefined) {
    problems.add(field, 'is required')
    return undefined
  }
  if (typeof value !== 'string' || !ISO_8601.test(value) || Number.isNaN(Date.parse(value))) {
    problems.add(field, 'must be an ISO-8601 date time such as 2024-05-01T13:01:14.462Z')
    return undefined
  }
  return value
}

/** Keys present in `value` that the model does not define (Genesys ignores them silently). */
export function unknownKeys(value: Json, known: readonly string[], prefix: string): string[] {
  return Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => `${prefix}${key}`)
}
