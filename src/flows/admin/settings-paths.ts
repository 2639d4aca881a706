import type { JsonObject, JsonValue } from '../../core/model/json.ts'

/** Plain JSON object (not an array, not null). */
export const isObject = (value: unknown): value is Record<string, JsonValue> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

export function getPath(root: unknown, path: readonly string[]): unknown {
  let node = root
  for (const key of path) {
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined
    node = node[key]
  }
  return node
}

/** Whether the path exists (with any value, null included). */
export function hasPath(root: unknown, path: readonly string[]): boolean {
  const parent = getPath(root, path.slice(0, -1))
  return isObject(parent) && Object.hasOwn(parent, path[path.length - 1]!)
}

/** A copy with the value at `path` set (parents created) or, for `undefined`, removed. */
export function withPath(root: JsonObject, path: readonly string[], value: JsonValue | undefined) {
  const [key, ...rest] = path
  if (key === undefined) return root
  const copy: Record<string, JsonValue> = { ...root }
  if (rest.length === 0) {
    if (value === undefined) delete copy[key]
    else copy[key] = value
    return copy as JsonObject
  }
  const child = isObject(copy[key]) ? (copy[key] as JsonObject) : undefined
  if (!child && value === undefined) return root
  copy[key] = withPath(child ?? {}, rest, value)
  return copy as JsonObject
}

/**
 * A partial update of settings: objects merge key by key, any other value (arrays included)
 * replaces, and `null` removes the key (an optional setting goes back to absent or default).
 */
export function mergeSettings(base: JsonObject, patch: JsonObject): JsonObject {
  const out: Record<string, JsonValue> = { ...base }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key]
    else if (isObject(value) && isObject(out[key])) out[key] = mergeSettings(out[key], value)
    else if (isObject(value)) out[key] = mergeSettings({}, value)
    else out[key] = value
  }
  return out as JsonObject
}

/** Every string leaf with its path, for length limits. */
export function* stringLeaves(
  node: unknown,
  path: string[] = [],
): Generator<{ path: string[]; value: string }> {
  if (typeof node === 'string') yield { path, value: node }
  else if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* stringLeaves(item, [...path, String(i)])
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) yield* stringLeaves(value, [...path, key])
  }
}
