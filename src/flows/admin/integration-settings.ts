import { InvalidInputError } from '../../core/errors.ts'
import type { IntegrationId } from '../../core/model/ids.ts'
import type { JsonObject } from '../../core/model/json.ts'
import type { ManagedKind, SecretField, SettingsIssue } from '../../core/ports/integration-kinds.ts'
import {
  getPath,
  hasPath,
  isObject,
  mergeSettings,
  stringLeaves,
  withPath,
} from './settings-paths.ts'

const SECRET_MAX_LENGTH = 8192
const DEFAULT_STRING_MAX_LENGTH = 2048

/** Secret names the API creates: `integrations/{id}/…`; others (env:, file:) are never deleted. */
export const secretPrefix = (id: IntegrationId) => `integrations/${id}/`

export interface FieldError {
  readonly field: string
  readonly message: string
}

/** A 400 naming every bad field; the first one leads the message. */
export function invalidFields(errors: readonly FieldError[]): InvalidInputError {
  const first = errors[0]!
  return new InvalidInputError(`${first.field}: ${first.message}`, {
    details: { field: first.field, errors },
  })
}

export interface PreparedSettings {
  /** Validated settings with secret names in place, ready to store. */
  readonly settings: JsonObject
  /** Secret values to write before the settings are stored, by their new names. */
  readonly writes: ReadonlyMap<string, string>
  /** Names the previous settings referred to and these no longer do (delete after storing). */
  readonly dropped: readonly string[]
}

/**
 * Applies an API settings patch to stored settings (`{}` for a new integration): write-only
 * secret values come out and get fresh SecretStore names, so a rotated pair (app id and
 * secret) is switched by one row update and no reader sees a new secret under an old id.
 */
export function prepareSettings(
  kind: ManagedKind,
  id: IntegrationId,
  stored: JsonObject,
  patch: JsonObject,
): PreparedSettings {
  const errors: FieldError[] = []
  const secretValues = new Map<SecretField, string | null>()
  let rest = patch
  for (const secret of kind.secretFields) {
    // Names are the bridge's business: a caller naming one could point at any secret (env:, file:).
    if (hasPath(patch, secret.ref))
      errors.push({ field: apiField(secret.ref), message: 'is not a known setting' })
    if (!hasPath(patch, secret.field)) continue
    const value = getPath(patch, secret.field)
    rest = withPath(rest, secret.field, undefined)
    const field = apiField(secret.field)
    if (secret.managed) errors.push({ field, message: 'is set by the bridge, not through the API' })
    else if (value === null) secretValues.set(secret, null)
    else if (typeof value !== 'string' || value.length === 0 || value.length > SECRET_MAX_LENGTH)
      errors.push({ field, message: `must be a string of 1 to ${SECRET_MAX_LENGTH} characters` })
    else secretValues.set(secret, value)
  }
  for (const { path, value } of stringLeaves(rest)) {
    const max = kind.longStrings?.[path.join('.')] ?? DEFAULT_STRING_MAX_LENGTH
    if (value.length > max)
      errors.push({ field: apiField(path), message: `must be at most ${max} characters` })
  }
  if (errors.length > 0) throw invalidFields(errors)

  let merged = mergeSettings(withoutRefs(kind, stored), rest)
  const writes = new Map<string, string>()
  for (const secret of kind.secretFields) {
    const given = secretValues.get(secret)
    const parentKept = secret.ref.length === 1 || isObject(getPath(merged, secret.ref.slice(0, -1)))
    if (given === null || !parentKept) continue
    let name = getPath(stored, secret.ref)
    if (typeof given === 'string') {
      const fresh = `${secretPrefix(id)}${secret.field.join('.')}/${crypto.randomUUID()}`
      writes.set(fresh, given)
      name = fresh
    } else if (typeof name !== 'string' && secret.managed) {
      name = `${secretPrefix(id)}${secret.field.join('.')}`
    }
    if (typeof name === 'string') merged = withPath(merged, secret.ref, name)
  }

  const checked = kind.validate(merged)
  if (!checked.ok) throw invalidFields(checked.issues.map((issue) => fieldError(kind, issue)))
  const kept = new Set(refsOf(kind, checked.settings))
  const dropped = refsOf(kind, stored).filter(
    (name) => !kept.has(name) && name.startsWith(secretPrefix(id)),
  )
  return { settings: checked.settings, writes, dropped }
}

/** What the API shows: no secret names, no write-only values, and which of them hold one. */
export function publicSettings(
  kind: ManagedKind,
  stored: JsonObject,
): { readonly settings: JsonObject; readonly writeOnly: readonly string[] } {
  const writeOnly: string[] = []
  let settings = stored
  for (const secret of kind.secretFields) {
    if (secret.managed) {
      settings = withPath(settings, secret.ref, undefined)
      continue
    }
    if (typeof getPath(stored, secret.ref) === 'string') writeOnly.push(secret.field.join('.'))
    settings = withPath(settings, secret.ref, undefined)
  }
  for (const path of kind.writeOnlyFields) {
    if (getPath(stored, path) !== undefined) writeOnly.push(path.join('.'))
    settings = withPath(settings, path, undefined)
  }
  return { settings, writeOnly }
}

/** Secret names stored settings refer to. */
export function refsOf(kind: ManagedKind, stored: JsonObject): string[] {
  return kind.secretFields
    .map((secret) => getPath(stored, secret.ref))
    .filter((name): name is string => typeof name === 'string')
}

function withoutRefs(kind: ManagedKind, stored: JsonObject): JsonObject {
  return kind.secretFields.reduce((s, secret) => withPath(s, secret.ref, undefined), stored)
}

const apiField = (path: readonly (string | number)[]) => ['settings', ...path].join('.')

/** A stored-settings issue in API terms: a secret name's path becomes its value's field. */
function fieldError(kind: ManagedKind, issue: SettingsIssue): FieldError {
  const path = issue.path.map(String)
  const secret = kind.secretFields.find((s) => s.ref.join('.') === path.join('.'))
  return { field: apiField(secret ? secret.field : path), message: issue.message }
}
