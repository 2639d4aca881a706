import fc from 'fast-check'

import { FUZZ_BODY_LIMIT } from './fuzz-settings.ts'

/**
 * Strings that broke parsers somewhere: control characters, BOMs, lone surrogates, bidi and
 * zero-width marks, combining forms, traversal and encodings, injections, prototype keys,
 * number look-alikes, lengths just over common limits.
 */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\r\n',
  '\r\nX-Injected: 1',
  '\t',
  '\u0007\u0008',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\ufeff',
  '\ufffe',
  '\uffff',
  '\ud800',
  '\udc00x',
  '\u202e',
  '\u200b',
  'e\u0301',
  'é',
  '\u0130',
  '𝒳',
  '👩‍👩‍👧‍👦',
  '../../etc/passwd',
  '..\\..\\windows',
  '..%2f..%2f',
  '%2e%2e%2f',
  '%00',
  '%',
  '%zz',
  '%C0%AF',
  '%ff',
  '+',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  '"; DROP TABLE jobs; --',
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '$where',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'true',
  '[]',
  '{}',
  '0',
  '-0',
  '-1',
  '1e400',
  '9007199254740993',
  '0x10',
  '1_000',
  '١٢٣',
  'http://169.254.169.254/latest/meta-data/',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'a'.repeat(65),
  'a'.repeat(129),
  'a'.repeat(257),
  'a'.repeat(1025),
  'x'.repeat(4097),
]

/** Number literals JSON allows but JavaScript cannot hold exactly, or at all. */
export const RAW_NUMBERS: readonly string[] = [
  '0',
  '-0',
  '1e400',
  '-1e400',
  '1e-400',
  '2e308',
  '9007199254740993',
  '-9007199254740993',
  '123456789012345678901234567890',
  '2147483648',
  '-2147483649',
  '4294967296',
  '18446744073709551616',
  '0.1e1',
  '1E+2',
  '1.5',
  '-1',
]

/** Text JSON.parse refuses. */
const INVALID_JSON: readonly string[] = [
  'NaN',
  'Infinity',
  '01',
  '.5',
  '+1',
  '0x10',
  'undefined',
  "'single'",
  '"unterminated',
  '"\\x41"',
  '"\\u12"',
  '{,}',
  '[1,]',
  '{"a":1,}',
  '{"a" 1}',
  '{a:1}',
  '/* c */ {}',
  '{} {}',
  '[',
  '{',
  ']',
  '\u0000',
  '"a\nb"',
  'nul',
  'tru',
]

/** One printable character (mostly), a control character or a lone surrogate now and then. */
const codeUnit = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 2, arbitrary: fc.integer({ min: 0x00, max: 0x1f }) },
  { weight: 3, arbitrary: fc.integer({ min: 0x80, max: 0xffff }) },
)
const anyCodeUnits = fc
  .array(codeUnit, { maxLength: 40 })
  .map((units) => String.fromCharCode(...units))

/** Cheap long strings: one character repeated (building random 20 KiB strings is slow). */
const longText = fc
  .tuple(
    fc.constantFrom('a', 'é', '\u0000', '𝒳', ' ', '\\', '"'),
    fc.integer({ min: 300, max: 20_000 }),
  )
  .map(([c, n]) => c.repeat(n))

/** Text of any kind: printable, full Unicode, lone surrogates, known troublemakers, long. */
export const text: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 2, arbitrary: anyCodeUnits },
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 1, arbitrary: longText },
)

/** Keys of JavaScript's Object.prototype and friends: a body's keys must never reach them. */
export const PROTOTYPE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  '__lookupGetter__',
  'isPrototypeOf',
]

export const objectKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: text },
)

/** JSON nested thousands deep: recursive validators and walkers overflow the stack on it. */
const deepJson = fc
  .tuple(
    fc.integer({ min: 16, max: FUZZ_BODY_LIMIT / 2 }),
    fc.constantFrom(['[', ']'], ['{"a":', '}'], ['[{"a":', '}]'], ['{"__proto__":', '}']),
  )
  .map(([depth, [open, close]]) => {
    const n = Math.max(1, Math.floor(depth / open!.length))
    return `${open!.repeat(n)}1${close!.repeat(n)}`
  })

/** Many siblings: arrays and objects far wider than any real payload. */
const wideJson = fc
  .tuple(fc.integer({ min: 100, max: 4000 }), fc.constantFrom('array', 'object', 'duplicates'))
  .map(([n, shape]) => {
    if (shape === 'array') return `[${Array(n).fill('0').join(',')}]`
    const keys = Array.from({ length: n }, (_, i) =>
      shape === 'object' ? `"k${i}":${i}` : `"a":${i}`,
    )
    return `{${keys.join(',')}}`
  })

const pollutedJson = fc.oneof(
  fc.constantFrom(
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '{"__proto__":null}',
    '{"__proto__":[]}',
    '{"a":1,"a":{"__proto__":{"isAdmin":true}}}',
    '[{"__proto__":{"length":1e9}}]',
  ),
  fc
    .tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.jsonValue({ maxDepth: 1 }))
    .map(([key, value]) => `{${JSON.stringify(key)}:${JSON.stringify(value)}}`),
)

/** A JSON text (or what looks like one): any value, odd numbers, deep, wide, polluted, invalid. */
export const jsonText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 3, arbitrary: text.map((s) => JSON.stringify(s)) },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...INVALID_JSON) },
  { weight: 1, arbitrary: deepJson },
  { weight: 1, arbitrary: wideJson },
  { weight: 2, arbitrary: pollutedJson },
  { weight: 1, arbitrary: fc.constantFrom('null', 'true', 'false', '[]', '{}', '""', '[[]]') },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(objectKey, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 })
      .map((o) => JSON.stringify(o)),
  },
)

/** A JSON document padded with spaces to exactly `size` bytes (or the bare document if larger). */
export function padJson(json: string, size: number): string {
  const missing = size - Buffer.byteLength(json)
  if (missing <= 0) return json
  const end = json.trimEnd().endsWith('}') ? json.lastIndexOf('}') : json.length
  return `${json.slice(0, end)}${' '.repeat(missing)}${json.slice(end)}`
}

/** Bodies within a few bytes of the limit either side, and far over it. */
const aroundLimit = fc
  .tuple(fc.integer({ min: -4, max: 4 }), fc.constantFrom('json', 'string', 'far'))
  .map(([delta, shape]) => {
    if (shape === 'far') return '['.repeat(FUZZ_BODY_LIMIT * 3)
    const size = FUZZ_BODY_LIMIT + delta
    return shape === 'json' ? padJson('{"pad":[]}', size) : `"${'x'.repeat(size - 2)}"`
  })

/** Byte sequences UTF-8 forbids: overlongs, surrogates, truncated sequences, bare continuations. */
const invalidUtf8 = fc
  .tuple(
    fc.constantFrom(
      [0xc0, 0xaf],
      [0xe0, 0x80, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xf4, 0x90, 0x80, 0x80],
      [0xff],
      [0xfe, 0xff],
      [0x80],
      [0xe2, 0x82],
    ),
    fc.constantFrom('{"text":"', '"', '{"'),
  )
  .map(([bytes, prefix]) =>
    Buffer.concat([Buffer.from(prefix), Buffer.from(bytes), Buffer.from('"}')]),
  )

/** JSON in another encoding than the UTF-8 the bridge reads. */
const otherEncoding = fc
  .tuple(jsonText, fc.constantFrom('utf16le', 'bom', 'latin1', 'bom16'))
  .map(([json, encoding]) => {
    if (encoding === 'bom')
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)])
    if (encoding === 'bom16')
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')])
    return Buffer.from(json, encoding as BufferEncoding)
  })

/** Any request body, or none. */
export const anyBody: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 8, arbitrary: jsonText },
  { weight: 2, arbitrary: text },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: invalidUtf8 },
  { weight: 1, arbitrary: otherEncoding },
  { weight: 2, arbitrary: aroundLimit },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'a=1&b=2&__proto__[x]=1',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
    ),
  },
)

export const CONTENT_TYPES: readonly string[] = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'APPLICATION/JSON',
  'application/json; charset=utf-16le',
  'application/json; charset="iso-8859-1"',
  'application/json; charset=',
  'application/json;',
  'application/json ; x=y',
  'application/json, text/plain',
  'application/vnd.api+json',
  'application/problem+json',
  'application/merge-patch+json',
  'application/jsonp',
  'application/json-seq',
  'text/json',
  'text/plain',
  'text/plain; charset=utf-8',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'multipart/form-data',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'application/*',
  '',
  ';',
  'json',
  '/',
]

/** A header value as a client can send it: visible ASCII, tab, obs-text, or long. */
const headerCharCode = fc.oneof(
  { weight: 30, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.constant(0x09) },
  { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
)
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.array(headerCharCode, { maxLength: 60 }).map((c) => String.fromCharCode(...c)),
  },
  {
    weight: 3,
    arbitrary: fc.constantFrom(...NASTY_STRINGS.filter((s) => /^[\t\x20-\x7e]*$/.test(s))),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 8000 }).map((n) => 'x'.repeat(n)) },
)

export const contentType: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  { weight: 1, arbitrary: headerValue },
)

/** Headers a client may add; the bridge must not trust any of them. */
const HEADER_NAMES: readonly string[] = [
  'accept',
  'accept-charset',
  'accept-encoding',
  'accept-language',
  'content-encoding',
  'content-language',
  'content-md5',
  'cookie',
  'forwarded',
  'host',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'origin',
  'range',
  'referer',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-http-method-override',
  'x-real-ip',
  'x-request-id',
  'x-ms-client-request-id',
  'ms-cv',
  'x-hub-signature',
  'x-hub-signature-256',
  'authorization',
  'proxy-authorization',
  'content-type',
]
export const headerName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HEADER_NAMES) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...HEADER_NAMES).map((n) => n.toUpperCase()) },
)

const b64url = (value: string | Uint8Array) => Buffer.from(value).toString('base64url')

const claimValue = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.integer(),
  fc.constantFrom(0, -1, 1e21, 2 ** 53 + 2, Number.MAX_VALUE, Math.floor(Date.now() / 1000) + 3600),
  text,
)

/**
 * Strings shaped like JWTs: real and forged key ids, `none` and HMAC algorithms, key-injection
 * header fields, odd claims, wrong segment counts and broken base64.
 */
export function jwtLike(knownKeyIds: readonly string[], audiences: readonly string[]) {
  return fc
    .record({
      alg: fc.constantFrom(
        'RS256',
        'RS256',
        'none',
        'HS256',
        'ES256',
        'PS256',
        'RS512',
        '',
        'rs256',
      ),
      kid: fc.oneof(fc.constantFrom(...knownKeyIds, 'unknown-kid'), text),
      extra: fc.constantFrom(
        {},
        {},
        { jku: 'http://169.254.169.254/keys' },
        { x5u: 'http://127.0.0.1:1/cert' },
        { jwk: { kty: 'oct', k: 'AAAA' } },
        { crit: ['exp'] },
        { b64: false },
        { typ: 'JWT' },
      ),
      claims: fc.record(
        {
          iss: fc.oneof(
            fc.constantFrom('https://api.botframework.com', 'https://sts.windows.net/x/'),
            text,
          ),
          aud: fc.oneof(fc.constantFrom(...audiences), text),
          exp: claimValue,
          nbf: claimValue,
          serviceurl: fc.oneof(fc.constant('http://127.0.0.1:1/'), text),
        },
        { requiredKeys: [] },
      ),
      signature: fc.uint8Array({ maxLength: 300 }),
      shape: fc.constantFrom(
        '3',
        '3',
        '3',
        '2',
        '4',
        '5',
        'empty-signature',
        'bad-base64',
        'spaces',
      ),
    })
    .map(({ alg, kid, extra, claims, signature, shape }) => {
      const head = b64url(JSON.stringify({ alg, kid, ...extra }))
      const body = b64url(JSON.stringify(claims))
      const sig = b64url(signature)
      switch (shape) {
        case '2':
          return `${head}.${body}`
        case '4':
          return `${head}.${body}.${sig}.${sig}`
        case '5':
          return `${head}.${body}.${sig}.${sig}.${sig}`
        case 'empty-signature':
          return `${head}.${body}.`
        case 'bad-base64':
          return `${head}!.${body}*.${sig}=`
        case 'spaces':
          return `${head} .${body}. ${sig}`
        default:
          return `${head}.${body}.${sig}`
      }
    })
}

/** Small edits of a genuine value: what a forger or a broken proxy does to a credential. */
export function nearValue(value: string): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(
        'flip',
        'truncate',
        'append',
        'prepend',
        'upper',
        'lower',
        'space',
        'double',
        'empty',
      ),
      fc.nat(),
      fc.constantFrom('a', 'A', '0', '=', '.', ' ', '\t', 'é', ',', '-', '_'),
    )
    .map(([edit, at, char]) => {
      const i = value.length === 0 ? 0 : at % value.length
      switch (edit) {
        case 'flip': {
          const c = value[i] ?? 'a'
          return `${value.slice(0, i)}${c === char ? 'b' : char}${value.slice(i + 1)}`
        }
        case 'truncate':
          return value.slice(0, i)
        case 'append':
          return `${value}${char}`
        case 'prepend':
          return `${char}${value}`
        case 'upper':
          return value.toUpperCase()
        case 'lower':
          return value.toLowerCase()
        case 'space':
          return `${value.slice(0, i)} ${value.slice(i)}`
        case 'double':
          return `${value}, ${value}`
        default:
          return ''
      }
    })
}

/** Authorization header values: none of them genuine unless `genuine` lists it. */
export function authorizationValue(options: {
  knownKeyIds: readonly string[]
  audiences: readonly string[]
  genuine: readonly string[]
}): fc.Arbitrary<string> {
  const near = options.genuine.length
    ? [{ weight: 3, arbitrary: fc.constantFrom(...options.genuine).chain(nearValue) }]
    : []
  return fc.oneof(
    {
      weight: 4,
      arbitrary: jwtLike(options.knownKeyIds, options.audiences).map((t) => `Bearer ${t}`),
    },
    { weight: 2, arbitrary: headerValue },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'Bearer',
        'Bearer ',
        'bearer x',
        'Bearer  x',
        'Bearer x y',
        'Bearer x,Bearer y',
        'Basic Og==',
        `Basic ${Buffer.from('admin:admin').toString('base64')}`,
        'Negotiate YII=',
        'Token x',
        'Bearer cxb_',
        `Bearer cxb_${'A'.repeat(43)}`,
        `Bearer ${'a'.repeat(8000)}`,
        'Bearer null',
        'Bearer undefined',
        ',',
      ),
    },
    ...near,
  )
}

/** Values for an HMAC signature header such as Genesys's X-Hub-Signature-256. */
export const signatureValue: fc.Arbitrary<string> = fc.oneof(
  fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((b) => `sha256=${Buffer.from(b).toString('hex')}`),
  fc.uint8Array({ maxLength: 40 }).map((b) => `sha256=${Buffer.from(b).toString('base64')}`),
  fc.constantFrom(
    'sha256=',
    'sha1=00',
    'sha256',
    '=',
    `sha256=${'0'.repeat(64)}`,
    `SHA256=${'A'.repeat(64)}`,
  ),
  headerValue,
)

/** Query parameter names tried on every endpoint besides its own. */
const QUERY_NAMES: readonly string[] = [
  '__proto__',
  '__proto__[polluted]',
  'constructor[prototype][polluted]',
  'constructor',
  'a[]',
  'a[b][c]',
  'toString',
  '',
  'x'.repeat(300),
]

const queryValue = fc.oneof(
  { weight: 4, arbitrary: text.map(percentEncode) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '%',
      '%zz',
      '%C0%AF',
      '%00',
      '%ff',
      '+',
      '%2B',
      '',
      '%E2%80%AE',
      '%0d%0aX-Injected:%201',
      '[]',
      '{}',
      'a&b',
    ),
  },
  { weight: 2, arbitrary: fc.constantFrom(...RAW_NUMBERS) },
)

/** `name=value&…` with the endpoint's own names (most of the time) and troublesome ones. */
export function queryString(names: readonly string[]): fc.Arbitrary<string> {
  const name = fc.oneof(
    ...(names.length ? [{ weight: 4, arbitrary: fc.constantFrom(...names) }] : []),
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(...QUERY_NAMES)
        .map((n) => percentEncode(n).replace(/%5B/g, '[').replace(/%5D/g, ']')),
    },
    { weight: 1, arbitrary: text.map(percentEncode) },
  )
  return fc
    .array(fc.tuple(name, queryValue, fc.boolean()), { minLength: 1, maxLength: 5 })
    .map((pairs) => pairs.map(([n, v, bare]) => (bare && v === '' ? n : `${n}=${v}`)).join('&'))
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** Mostly the endpoint's own method, every other one now and then. */
export const methodFor = (own: string): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(own) },
    { weight: 2, arbitrary: fc.constantFrom(...METHODS) },
  )

/** Path parameter values: valid ones, id-shaped ones and troublemakers. */
export function pathParameter(valid: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...valid) },
    { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,70}$/) },
    {
      weight: 1,
      arbitrary: fc.oneof(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
        fc.constantFrom(...RAW_NUMBERS),
      ),
    },
    { weight: 2, arbitrary: text.map(percentEncode) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '..',
        '.',
        '%2e%2e',
        '%2F',
        '%2f..%2f',
        '%00',
        ';x=1',
        'a%20b',
        '%',
        '%zz',
        '*',
        '~',
        'a'.repeat(65),
        'a'.repeat(3000),
      ),
    },
  )
}

/** A path segment or parameter of an endpoint. */
export type PathPiece = string | { readonly valid: readonly string[] }

/** The endpoint's path with its parameters varied, and now and then a structural change. */
export function pathFor(pieces: readonly PathPiece[]): fc.Arbitrary<string> {
  const parts = pieces.map((piece) =>
    typeof piece === 'string'
      ? fc.oneof(
          { weight: 20, arbitrary: fc.constant(piece) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              piece.toUpperCase(),
              encodeURIComponent(piece).replace(/^(.)/, (c) => `%${c.charCodeAt(0).toString(16)}`),
              `${piece}.json`,
              '',
            ),
          },
        )
      : pathParameter(piece.valid),
  )
  const shape = fc.constantFrom(
    ...Array<string>(20).fill('as-is'),
    'trailing-slash',
    'double-slash',
    'extra-segment',
    'drop-last',
    'dot-segment',
  )
  return fc.tuple(fc.tuple(...parts), shape).map(([segments, how]) => {
    const list = [...segments]
    if (how === 'extra-segment') list.push('extra')
    if (how === 'drop-last') list.pop()
    if (how === 'dot-segment') list.splice(1, 0, '.', '..', list[0] ?? '')
    const path = `/${list.join('/')}`
    if (how === 'trailing-slash') return `${path}/`
    if (how === 'double-slash') return path.replace('/', '//')
    return path
  })
}

/** encodeURIComponent for any string: lone surrogates (which it refuses) become U+FFFD first. */
export function percentEncode(value: string): string {
  return encodeURIComponent(value.toWellFormed())
}
