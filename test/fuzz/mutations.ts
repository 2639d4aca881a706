import fc from 'fast-check'

import {
  contentType,
  headerName,
  headerValue,
  jsonText,
  nearValue,
  objectKey,
  padJson,
  percentEncode,
  queryString,
  text,
} from './arbitraries.ts'
import { bodyBytes, type FuzzRequest, withHeader } from './fuzz-request.ts'
import { FUZZ_BODY_LIMIT } from './fuzz-settings.ts'

/**
 * "Almost valid" requests: a genuine request changed in one place (sometimes two), so the
 * fuzzer gets past the first checks. `resign` asks the endpoint to compute fresh credentials
 * for the changed bytes, as a caller holding the secret but sending garbage would.
 */
export interface Mutated {
  readonly request: FuzzRequest
  readonly resign: boolean
  readonly mutation: string
}

type Path = ReadonlyArray<string | number>

/**
 * Every node of a JSON document, the root included, or undefined for documents deeper or larger
 * than any genuine one (an earlier mutation nested them): those get byte mutations only.
 */
function nodePaths(document: unknown): Path[] | undefined {
  const out: Path[] = []
  const stack: Array<[unknown, Path]> = [[document, []]]
  while (stack.length > 0) {
    const [value, at] = stack.pop()!
    if (at.length > 32 || out.length > 2000) return undefined
    out.push(at)
    if (Array.isArray(value)) value.forEach((item, i) => stack.push([item, [...at, i]]))
    else if (value && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) stack.push([item, [...at, key]])
  }
  return out
}

const HOLE = '\u0000fuzz-hole\u0000'
const HOLE_KEY = '\u0000fuzz-key\u0000'
const QUOTED_HOLE = JSON.stringify(HOLE)
const QUOTED_HOLE_KEY = JSON.stringify(HOLE_KEY)

/** The document with the node at `path` replaced by raw JSON text (which may be invalid). */
function replaceAt(document: unknown, path: Path, raw: string): string {
  if (path.length === 0) return raw
  const copy = structuredClone(document) as Record<string | number, unknown>
  parentOf(copy, path)[path.at(-1)!] = HOLE
  return JSON.stringify(copy).replace(QUOTED_HOLE, () => raw)
}

function deleteAt(document: unknown, path: Path): string {
  if (path.length === 0) return ''
  const copy = structuredClone(document) as Record<string | number, unknown>
  const parent = parentOf(copy, path)
  if (Array.isArray(parent)) parent.splice(path.at(-1) as number, 1)
  else delete parent[path.at(-1)!]
  return JSON.stringify(copy)
}

/** Adds `key` (any key, `__proto__` too, as JSON text) to the object at `path`. */
function addKeyAt(document: unknown, path: Path, key: string, raw: string): string {
  const copy = structuredClone(document) as Record<string | number, unknown>
  const target = path.length === 0 ? copy : (parentOf(copy, path)[path.at(-1)!] as unknown)
  if (!target || typeof target !== 'object' || Array.isArray(target)) {
    return replaceAt(document, path, `{${JSON.stringify(key)}:${raw}}`)
  }
  ;(target as Record<string, unknown>)[HOLE_KEY] = HOLE
  return JSON.stringify(copy).replace(
    `${QUOTED_HOLE_KEY}:${QUOTED_HOLE}`,
    () => `${JSON.stringify(key)}:${raw}`,
  )
}

function parentOf(
  root: Record<string | number, unknown>,
  path: Path,
): Record<string | number, unknown> {
  let node = root
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>
  return node
}

const withBody = (request: FuzzRequest, body: string | Buffer): FuzzRequest => ({
  ...request,
  body,
})

function jsonMutations(
  request: FuzzRequest,
  document: unknown,
  paths: readonly Path[],
): fc.Arbitrary<Mutated> {
  const path = fc.constantFrom(...paths)
  const resign = fc.boolean()
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(path, jsonText, resign).map(([p, raw, r]) => ({
        request: withBody(request, replaceAt(document, p, raw)),
        resign: r,
        mutation: `set ${p.join('.')}`,
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(path, resign).map(([p, r]) => ({
        request: withBody(request, deleteAt(document, p)),
        resign: r,
        mutation: `delete ${p.join('.')}`,
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(path, objectKey, jsonText, resign).map(([p, key, raw, r]) => ({
        request: withBody(request, addKeyAt(document, p, key, raw)),
        resign: r,
        mutation: `add ${p.join('.')}.${key}`,
      })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(path, text, resign).map(([p, s, r]) => ({
        request: withBody(request, replaceAt(document, p, JSON.stringify(s))),
        resign: r,
        mutation: `text at ${p.join('.')}`,
      })),
    },
  )
}

function byteMutations(request: FuzzRequest): fc.Arbitrary<Mutated> {
  const bytes = bodyBytes(request)
  const edit = fc.constantFrom(
    'truncate',
    'flip',
    'insert',
    'twice',
    'bom',
    'utf16',
    'at-limit',
    'over-limit',
    'under-limit',
  )
  return fc
    .tuple(edit, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean())
    .map(([how, at, byte, resign]) => {
      const i = bytes.length === 0 ? 0 : at % bytes.length
      const text = bytes.toString('utf8')
      let body: Buffer | string
      switch (how) {
        case 'truncate':
          body = bytes.subarray(0, i)
          break
        case 'flip':
          body = Buffer.from(bytes)
          if (body.length) body[i] = byte
          break
        case 'insert':
          body = Buffer.concat([bytes.subarray(0, i), Buffer.from([byte]), bytes.subarray(i)])
          break
        case 'twice':
          body = `${text}${text}`
          break
        case 'bom':
          body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])
          break
        case 'utf16':
          body = Buffer.from(text, 'utf16le')
          break
        case 'at-limit':
          body = padJson(text, FUZZ_BODY_LIMIT)
          break
        case 'under-limit':
          body = padJson(text, FUZZ_BODY_LIMIT - 1)
          break
        default:
          body = padJson(text, FUZZ_BODY_LIMIT + 1)
      }
      return { request: withBody(request, body), resign, mutation: `bytes ${how}` }
    })
}

function headerMutations(request: FuzzRequest): fc.Arbitrary<Mutated> {
  const names = Object.keys(request.headers)
  const existing = names.length ? fc.constantFrom(...names) : fc.constant('content-type')
  const keep = (r: FuzzRequest, mutation: string): Mutated => ({
    request: r,
    resign: false,
    mutation,
  })
  return fc.oneof(
    existing.map((name) => keep(withHeader(request, name, undefined), `drop header ${name}`)),
    existing.chain((name) =>
      nearValue(request.headers[name] ?? '').map((v) =>
        keep(withHeader(request, name, v), `edit header ${name}`),
      ),
    ),
    fc
      .tuple(existing, headerValue)
      .map(([name, v]) => keep(withHeader(request, name, v), `replace header ${name}`)),
    fc
      .tuple(headerName, headerValue)
      .map(([name, v]) => keep(withHeader(request, name, v), `add header ${name}`)),
    contentType.map((v) => keep(withHeader(request, 'content-type', v), 'content type')),
  )
}

function urlMutations(request: FuzzRequest, queryNames: readonly string[]): fc.Arbitrary<Mutated> {
  const [path = '', query] = request.url.split('?', 2) as [string, string | undefined]
  const segments = path.split('/')
  const keep = (url: string, mutation: string): Mutated => ({
    request: { ...request, url },
    resign: false,
    mutation,
  })
  const withQuery = (q: string | undefined) => (q === undefined ? path : `${path}?${q}`)
  return fc.oneof(
    queryString(queryNames).map((q) => keep(withQuery(query ? `${query}&${q}` : q), 'add query')),
    queryString(queryNames).map((q) => keep(withQuery(q), 'replace query')),
    fc.constant(keep(path, 'drop query')),
    ...(query ? [nearValue(query).map((q) => keep(withQuery(q), 'edit query'))] : []),
    fc
      .tuple(fc.nat({ max: segments.length - 1 }), text)
      .map(([i, s]) =>
        keep(
          segments.map((seg, j) => (j === i && i > 0 ? percentEncode(s) : seg)).join('/') +
            (query ? `?${query}` : ''),
          'replace segment',
        ),
      ),
    fc
      .tuple(fc.nat({ max: segments.length - 1 }))
      .chain(([i]) =>
        nearValue(segments[i] ?? '').map((s) =>
          keep(
            segments.map((seg, j) => (j === i && i > 0 ? percentEncode(s) : seg)).join('/') +
              (query ? `?${query}` : ''),
            'edit segment',
          ),
        ),
      ),
  )
}

// No DELETE: with genuine credentials it would remove what later endpoints are fuzzed against
// (the delete endpoints have seeds of their own).
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'OPTIONS']

/** One mutation of `seed`, now and then two. */
export function mutationsOf(
  seed: FuzzRequest,
  queryNames: readonly string[],
): fc.Arbitrary<Mutated> {
  const once = (request: FuzzRequest) => {
    const bytes = bodyBytes(request)
    let document: unknown
    try {
      document = bytes.length ? JSON.parse(bytes.toString('utf8')) : undefined
    } catch {
      document = undefined
    }
    const paths = document === undefined ? undefined : nodePaths(document)
    return fc.oneof(
      ...(paths ? [{ weight: 6, arbitrary: jsonMutations(request, document, paths) }] : []),
      ...(bytes.length ? [{ weight: 2, arbitrary: byteMutations(request) }] : []),
      { weight: 3, arbitrary: headerMutations(request) },
      { weight: bytes.length ? 1 : 4, arbitrary: urlMutations(request, queryNames) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...METHODS).map((method) => ({
          request: { ...request, method },
          resign: false,
          mutation: `method ${method}`,
        })),
      },
    )
  }
  const first = once(seed)
  return fc.oneof(
    { weight: 8, arbitrary: first },
    {
      weight: 2,
      arbitrary: first.chain((first) =>
        once(first.request).map((second) => ({
          request: second.request,
          // Signing after a header edit would undo it: the edit wins.
          resign: second.resign || (first.resign && !second.mutation.includes('header')),
          mutation: `${first.mutation}, then ${second.mutation}`,
        })),
      ),
    },
  )
}
