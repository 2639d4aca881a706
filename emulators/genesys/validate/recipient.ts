import type { FromRecipient } from '../types.ts'
import { isObject, type Problems } from './check.ts'

const ID_TYPES = ['Email', 'Phone', 'Opaque'] as const

/**
 * `OpenMessagingFromRecipient`: `id` and `idType` required, idType one of Email, Phone, Opaque.
 * Lower-case `"email"` is accepted by the real service (developer forum thread 26014), so the
 * comparison ignores case and the canonical spelling is stored.
 */
export function checkFrom(
  value: unknown,
  field: string,
  problems: Problems,
): FromRecipient | undefined {
  if (!isObject(value)) {
    problems.add(field, value === undefined ? 'is required' : 'must be an object')
    return undefined
  }
  const id = problems.requiredString(value.id, `${field}.id`)
  const idType = checkIdType(value.idType, `${field}.idType`, problems, true)
  const optional: Record<string, string> = {}
  for (const key of ['firstName', 'lastName', 'nickname', 'image', 'email'] as const) {
    const text = problems.optionalString(value[key], `${field}.${key}`)
    if (text !== undefined) optional[key] = text
  }
  if (id === undefined || idType === undefined) return undefined
  return { id, idType, ...optional }
}

export function checkIdType(
  value: unknown,
  field: string,
  problems: Problems,
  required: boolean,
): FromRecipient['idType'] | undefined {
  if (value === undefined && !required) return undefined
  const found =
    typeof value === 'string'
      ? ID_TYPES.find((t) => t.toLowerCase() === value.toLowerCase())
      : undefined
  if (!found)
    problems.add(
      field,
      value === undefined ? 'is required' : `must be one of ${ID_TYPES.join(', ')}`,
    )
  return found
}
