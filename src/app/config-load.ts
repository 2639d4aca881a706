import { readFileSync } from 'node:fs'

import { z } from 'zod'

import { ConfigError } from '../core/errors.ts'
import { type Config, configSchema } from './config.ts'

const PREFIX = 'CXB_'

/**
 * Loads the config file (JSON, optional) and overlays the environment: `CXB_HTTP__PORT=8080`
 * sets `http.port`; a `_FILE` suffix reads the value from a file (`CXB_STORE__URL_FILE=...`).
 * Validates once and freezes. Errors name the key to fix.
 */
export function loadConfig(
  options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: object } = {},
): Config {
  const env = options.env ?? process.env
  const fromFile = options.file ? readJsonFile(options.file) : {}
  const merged = deepMerge(deepMerge(fromFile, envOverlay(env)), options.overrides ?? {})
  const result = configSchema.safeParse(merged)
  if (!result.success) {
    const issue = result.error.issues[0]!
    // An unknown key is reported by zod at its parent: name the key itself.
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys : []
    const segments = [...issue.path.map(String), ...unknown.slice(0, 1)]
    const path = segments.join('.') || '(root)'
    const env = envNameOf(segments)
    const source = unknown.length
      ? `remove it from the config file or unset ${env}`
      : `set it in the config file as "${path}" or in the environment as ${env}`
    const message = unknown.length ? `unknown key "${unknown[0]}"` : issue.message
    throw new ConfigError(path, `${message} (${source})`)
  }
  return deepFreeze(result.data)
}

/** `http.bodyLimitBytes` → CXB_HTTP__BODY_LIMIT_BYTES; an array index is part of the JSON value. */
function envNameOf(segments: readonly string[]): string {
  return (
    PREFIX +
    segments
      .filter((s) => !/^\d+$/.test(s))
      .map((s) => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase())
      .join('__')
  )
}

function readJsonFile(file: string): object {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new ConfigError('(file)', `cannot read config file ${file}`)
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object')
    return parsed
  } catch {
    throw new ConfigError('(file)', `${file} is not a JSON object`)
  }
}

/**
 * Not configuration: the master key is read by the secrets loader itself, and the V8 flags by the
 * launcher (src/cli/cx-bridge) before Node starts.
 */
const NOT_CONFIG_VARIABLES = new Set(['CXB_SECRETS_KEY', 'CXB_SECRETS_KEY_FILE', 'CXB_V8_FLAGS'])

/**
 * CXB_A__B_C=value → { a: { bC: value } }, values parsed as JSON when they look like it. A key
 * whose own name ends in `File` (CXB_TLS__EXTRA_CA_FILE → tls.extraCaFile) is set literally;
 * `_FILE` reads the value from a file only for other keys.
 */
export function envOverlay(env: NodeJS.ProcessEnv): object {
  const out: Record<string, unknown> = {}
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(PREFIX) || raw === undefined || NOT_CONFIG_VARIABLES.has(name)) continue
    let key = name.slice(PREFIX.length)
    let value: string = raw
    if (key.endsWith('_FILE') && !configPaths().has(key.split('__').map(camel).join('.'))) {
      key = key.slice(0, -5)
      try {
        value = readFileSync(raw, 'utf8').trim()
      } catch {
        throw new ConfigError(name, `cannot read ${raw}`)
      }
    }
    const path = key.split('__').map(camel)
    let node = out
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>
    // A string key takes the text as it is (CXB_ADMIN__TOKEN_SECRET=42 is the name "42").
    node[path.at(-1)!] = configPaths().get(path.join('.')) === 'string' ? value : parseValue(value)
  }
  return out
}

let knownPaths: Map<string, string | undefined> | undefined

/** Every dotted key path of the configuration schema (`tls.extraCaFile`, …) and its JSON type. */
function configPaths(): Map<string, string | undefined> {
  if (knownPaths) return knownPaths
  const paths = new Map<string, string | undefined>()
  const walk = (node: JsonSchemaNode, prefix: string) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const path = prefix ? `${prefix}.${key}` : key
      paths.set(path, child.type)
      walk(child, path)
    }
  }
  walk(z.toJSONSchema(configSchema, { io: 'input' }) as JsonSchemaNode, '')
  knownPaths = paths
  return paths
}

const camel = (s: string) =>
  s.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())

function parseValue(value: string): unknown {
  if (/^(true|false|null|-?\d+(\.\d+)?|\[.*\]|\{.*\})$/s.test(value)) {
    try {
      return JSON.parse(value)
    } catch {
      return value
    }
  }
  return value
}

function deepMerge(a: object, b: object): object {
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) }
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k]
    out[k] = isPlain(prev) && isPlain(v) ? deepMerge(prev, v) : v
  }
  return out
}

const isPlain = (v: unknown): v is object =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function deepFreeze<T>(value: T): T {
  if (isPlain(value) || Array.isArray(value)) {
    for (const v of Object.values(value as object)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

/** A commented example generated from the schema's descriptions. */
export function exampleConfig(): string {
  const json = z.toJSONSchema(configSchema, { io: 'input' }) as JsonSchemaNode
  return render(json, 0).join('\n')
}

interface JsonSchemaNode {
  type?: string
  description?: string
  default?: unknown
  properties?: Record<string, JsonSchemaNode>
}

function render(node: JsonSchemaNode, depth: number): string[] {
  const pad = '  '.repeat(depth + 1)
  const lines = ['{']
  const entries = Object.entries(node.properties ?? {})
  entries.forEach(([key, child], i) => {
    const comma = i < entries.length - 1 ? ',' : ''
    if (child.description) lines.push(`${pad}// ${child.description}`)
    if (child.properties) {
      const inner = render(child, depth + 1)
      lines.push(
        `${pad}"${key}": ${inner[0]}`,
        ...inner.slice(1, -1),
        `${pad}${inner.at(-1)}${comma}`,
      )
    } else {
      lines.push(`${pad}"${key}": ${JSON.stringify(child.default ?? null)}${comma}`)
    }
  })
  lines.push('}')
  return lines
}
