/** One generated HTTP request, sent by `inject` or written byte for byte to a socket. */
export interface FuzzRequest {
  readonly method: string
  /** Path and query as they go on the request line (already percent-encoded where wanted). */
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body?: string | Buffer
}

export const bodyBytes = (request: FuzzRequest): Buffer =>
  request.body === undefined
    ? Buffer.alloc(0)
    : Buffer.isBuffer(request.body)
      ? request.body
      : Buffer.from(request.body)

/** The request's header `name` (any case), without the whitespace around it HTTP drops. */
export function headerOf(request: FuzzRequest, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() === wanted) return value.replace(/^[ \t]+|[ \t]+$/g, '')
  }
  return undefined
}

/**
 * Every value of header `name` in any letter case, trimmed. A request may carry several variants
 * (`AUTHORIZATION` and `authorization`): which one the server sees depends on the transport
 * (inject keeps the last), so an oracle asking "could this be genuine?" looks at all of them.
 */
export function headersOf(request: FuzzRequest, name: string): string[] {
  const wanted = name.toLowerCase()
  return Object.entries(request.headers)
    .filter(([key]) => key.toLowerCase() === wanted)
    .map(([, value]) => value.replace(/^[ \t]+|[ \t]+$/g, ''))
}

/** A copy with header `name` set (replacing any case variant), or removed when undefined. */
export function withHeader(
  request: FuzzRequest,
  name: string,
  value: string | undefined,
): FuzzRequest {
  const headers: Record<string, string> = {}
  for (const [key, existing] of Object.entries(request.headers)) {
    if (key.toLowerCase() !== name.toLowerCase()) headers[key] = existing
  }
  if (value !== undefined) headers[name] = value
  return { ...request, headers }
}

/** The body parsed as JSON the way the bridge reads it (UTF-8), or undefined. */
export function jsonOf(request: FuzzRequest): unknown {
  try {
    return JSON.parse(bodyBytes(request).toString('utf8'))
  } catch {
    return undefined
  }
}

/**
 * The decoded query parameters, or an empty map for a malformed query. Tabs and line breaks are
 * dropped first, as URL parsers do (a socket refuses them outright).
 */
export function queryOf(request: FuzzRequest): URLSearchParams {
  const url = request.url.replace(/[\t\r\n]/g, '')
  const at = url.indexOf('?')
  try {
    return new URLSearchParams(at < 0 ? '' : url.slice(at + 1))
  } catch {
    return new URLSearchParams()
  }
}

export const pathOf = (request: FuzzRequest) => request.url.split('?')[0]!.split('#')[0]!

/** A short description for failure messages: never the whole 16 KiB body. */
export function describeRequest(request: FuzzRequest): string {
  const body = bodyBytes(request)
  const shown = body.subarray(0, 300).toString('utf8')
  return `${request.method} ${request.url.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 600)} body(${body.length} bytes): ${JSON.stringify(shown)}`
}
