import { Agent, request as httpRequest } from 'node:http'
import { connect } from 'node:net'

import { bodyBytes, type FuzzRequest } from './fuzz-request.ts'

export interface FuzzResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>
  readonly body: string
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 })

/** Sends the request through Node's HTTP client over a kept-alive TCP connection. */
export function sendOverSocket(
  host: string,
  port: number,
  request: FuzzRequest,
): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const body = bodyBytes(request)
    const req = httpRequest({
      host,
      port,
      agent,
      method: framedMethod(request),
      // Node's client refuses spaces and controls in the path; what it allows is sent as is.
      path: request.url.replace(/[^\u0021-\u00ff]/g, (c) => encodeURIComponent(c.toWellFormed())),
      // Latin-1 keeps obs-text header bytes (0x80-0xff) as the single bytes they are.
      headers: { ...request.headers, 'content-length': String(body.length) },
      setHost: !Object.keys(request.headers).some((h) => h.toLowerCase() === 'host'),
    })
    let answered = false
    req.on('response', (res) => {
      answered = true
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
      res.on('error', reject)
    })
    // The server may answer (413) and close before the whole body is written.
    req.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error),
    )
    req.on('close', () => {
      if (!answered) reject(new Error('the connection closed without an answer'))
    })
    req.end(body)
  })
}

/**
 * A head over Node's 16 KiB limit is refused (431) before its method is known, with a body the
 * client does not expect after a HEAD: such a HEAD goes as a GET (raw-http.ts sends the real
 * thing).
 */
function framedMethod(request: FuzzRequest): string {
  if (request.method !== 'HEAD') return request.method
  const head = request.url.length + JSON.stringify(request.headers).length
  return head > 15_000 ? 'GET' : 'HEAD'
}

/**
 * Writes raw bytes on a fresh connection, half-closes, and returns every byte the server sent
 * before it closed (or `undefined` if it neither answered nor closed within `timeoutMs`).
 */
export function rawExchange(
  host: string,
  port: number,
  bytes: Buffer,
  timeoutMs: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect({ host, port, allowHalfOpen: true }, () => {
      socket.write(bytes)
      socket.end()
    })
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(undefined)
    }, timeoutMs)
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks))
    })
  })
}

/** Splits the bytes a server sent into HTTP/1.1 responses (Content-Length or chunked bodies). */
export function parseResponses(raw: Buffer): FuzzResponse[] {
  const responses: FuzzResponse[] = []
  let at = 0
  while (at < raw.length) {
    const headEnd = raw.indexOf('\r\n\r\n', at)
    if (headEnd < 0)
      throw new Error(
        `incomplete response head: ${JSON.stringify(raw.subarray(at, at + 200).toString('latin1'))}`,
      )
    const [statusLine = '', ...lines] = raw.subarray(at, headEnd).toString('latin1').split('\r\n')
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)
    if (!match) throw new Error(`not an HTTP/1.1 status line: ${JSON.stringify(statusLine)}`)
    const headers: Record<string, string> = {}
    for (const line of lines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    at = headEnd + 4
    let body: Buffer
    if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const parts: Buffer[] = []
      for (;;) {
        const lineEnd = raw.indexOf('\r\n', at)
        const size = parseInt(raw.subarray(at, lineEnd).toString('latin1'), 16)
        at = lineEnd + 2
        if (!size) {
          at += 2
          break
        }
        parts.push(raw.subarray(at, at + size))
        at += size + 2
      }
      body = Buffer.concat(parts)
    } else {
      const length = Number(headers['content-length'] ?? 0)
      body = raw.subarray(at, at + length)
      at += length
    }
    // 100 Continue and other informational answers precede the real one.
    if (Number(match[1]) >= 200)
      responses.push({ status: Number(match[1]), headers, body: body.toString('utf8') })
  }
  return responses
}
