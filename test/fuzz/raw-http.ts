import fc from 'fast-check'

import { bodyBytes, type FuzzRequest } from './fuzz-request.ts'

/** The request as HTTP/1.1 bytes, with `Connection: close` so the server ends the exchange. */
export function serialize(request: FuzzRequest, host: string): Buffer {
  const body = bodyBytes(request)
  const headers = Object.entries({
    host,
    ...request.headers,
    'content-length': String(body.length),
    connection: 'close',
  })
  const head = `${request.method} ${request.url} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`
  return Buffer.concat([Buffer.from(head, 'latin1'), body])
}

const SMUGGLED = 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'

/**
 * What no well-behaved client sends: broken framing (bare LF, folded or colon-less headers,
 * conflicting or lying lengths, bad chunks), odd request lines and versions, oversized heads,
 * pipelined and smuggled requests, the HTTP/2 preface, random bytes, truncation.
 */
export function rawMutation(bytes: Buffer): fc.Arbitrary<{ bytes: Buffer; how: string }> {
  const text = bytes.toString('latin1')
  const headEnd = text.indexOf('\r\n\r\n')
  const head = text.slice(0, headEnd)
  const body = text.slice(headEnd + 4)
  const [requestLine = '', ...headerLines] = head.split('\r\n')
  const [method = 'GET', target = '/'] = requestLine.split(' ')
  const join = (line: string, lines: string[], rest = body) =>
    Buffer.from(`${[line, ...lines].join('\r\n')}\r\n\r\n${rest}`, 'latin1')
  const withHeader = (header: string) => join(requestLine, [...headerLines, header])
  const edits: Record<string, fc.Arbitrary<Buffer>> = {
    'bare LF': fc.constant(Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1')),
    'two lengths': fc.nat(50).map((n) => withHeader(`Content-Length: ${body.length + n + 1}`)),
    'length and chunked': fc.constant(withHeader('Transfer-Encoding: chunked')),
    'bad chunk': fc
      .constantFrom('zz', '-1', 'ffffffffffffffffff', '1;ext="\u0000"', '')
      .map((size) =>
        join(
          requestLine,
          [
            ...headerLines.filter((h) => !/^content-length:/i.test(h)),
            'Transfer-Encoding: chunked',
          ],
          `${size}\r\n${body}\r\n0\r\n\r\n`,
        ),
      ),
    'odd transfer coding': fc
      .constantFrom('gzip, chunked', 'chunked, gzip', 'identity', 'chunked\u000b', ' chunked')
      .map((coding) => withHeader(`Transfer-Encoding: ${coding}`)),
    'short body': fc
      .nat(100)
      .map((n) => withHeader(`X-Pad: ${n}`).subarray(0, Math.max(0, bytes.length - 1 - n))),
    'long body': fc.constant(Buffer.concat([bytes, Buffer.from(SMUGGLED)])),
    'folded header': fc.constant(join(requestLine, [...headerLines, 'X-Folded: a', '  b'])),
    'NUL in header': fc.constant(withHeader('X-Nul: a\u0000b')),
    'space before colon': fc.constant(withHeader('Content-Type : application/json')),
    'no colon': fc.constant(withHeader('Garbage')),
    'bad method': fc
      .constantFrom('G ET', 'GET\u0001', 'get', '', 'BREW', 'CONNECT', 'TRACE')
      .map((m) => join(`${m} ${target} HTTP/1.1`, headerLines)),
    'bad version': fc
      .constantFrom('HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1x', 'HTTP/1', 'http/1.1', '')
      .map((v) => join(`${method} ${target} ${v}`.trimEnd(), headerLines)),
    'raw target': fc
      .constantFrom(
        '/é',
        '/a b',
        '/\u0001',
        '/%',
        '//',
        '*',
        'http://evil.example/healthz',
        '/webhooks/\u00ff',
        '/../../etc/passwd',
        '',
      )
      .map((t) => join(`${method} ${t} HTTP/1.1`, headerLines)),
    'huge header': fc
      .constantFrom(9_000, 17_000, 70_000)
      .map((n) => withHeader(`X-Big: ${'a'.repeat(n)}`)),
    'many headers': fc
      .constantFrom(200, 3000)
      .map((n) =>
        join(requestLine, [
          ...headerLines,
          ...Array.from({ length: n }, (_, i) => `X-H${i}: ${i}`),
        ]),
      ),
    'no host': fc.constant(
      join(
        requestLine,
        headerLines.filter((h) => !/^host:/i.test(h)),
      ),
    ),
    'two hosts': fc.constant(withHeader('Host: evil.example')),
    pipelined: fc.constant(
      Buffer.concat([
        Buffer.from(text.replace(/connection: close\r\n/i, ''), 'latin1'),
        Buffer.from(SMUGGLED),
      ]),
    ),
    expect: fc
      .constantFrom('100-continue', '100-Continue', '200-ok', 'x', '')
      .map((value) => withHeader(`Expect: ${value}`)),
    upgrade: fc.constant(
      join(requestLine, [
        ...headerLines.filter((h) => !/^connection:/i.test(h)),
        'Connection: Upgrade',
        'Upgrade: websocket',
      ]),
    ),
    'HTTP/2 preface': fc.constant(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1')),
    'random bytes': fc.uint8Array({ minLength: 1, maxLength: 300 }).map((b) => Buffer.from(b)),
    truncated: fc.nat().map((n) => bytes.subarray(0, n % Math.max(1, bytes.length))),
  }
  return fc
    .constantFrom(...Object.keys(edits))
    .chain((how) => edits[how]!.map((b) => ({ bytes: b, how })))
}
