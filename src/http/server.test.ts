import { connect } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { Logger } from '../core/ports/logger.ts'
import { buildOpsServer } from './server.ts'

const quiet = () => {}
// Fastify checks for every pino method, `fatal` included.
const log = {
  fatal: quiet,
  error: quiet,
  warn: quiet,
  info: quiet,
  debug: quiet,
  trace: quiet,
  child: () => log,
} as unknown as Logger

// Found by the fuzz suite (test/fuzz): Node and the router answered these in their own words
// (an empty 400 or 417, Fastify's JSON), not with a problem.
describe('refusals before any route runs are problems on the wire', () => {
  let port = 0
  let close: () => Promise<void>
  beforeAll(async () => {
    const app = await buildOpsServer({
      log,
      ops: { checks: [], renderMetrics: async () => ({ contentType: 'text/plain', body: '' }) },
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    port = (app.server.address() as { port: number }).port
    close = () => app.close()
  })
  afterAll(() => close?.())

  /** Writes the bytes, half-closes, and reads the one answer. */
  const exchange = (bytes: string) =>
    new Promise<{ status: number; type: string; problem: Record<string, unknown> }>((resolve) => {
      let answer = ''
      const socket = connect(port, '127.0.0.1', () => socket.end(bytes))
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')))
      socket.on('error', () => undefined)
      socket.on('close', () => {
        const [head = '', body = ''] = answer.split('\r\n\r\n')
        resolve({
          status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]),
          type: /content-type: ([^\r\n]*)/i.exec(head)?.[1] ?? '',
          problem: JSON.parse(body) as Record<string, unknown>,
        })
      })
    })

  it.each([
    ['a malformed header line', 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n', 400],
    [
      'a head over 16 KiB',
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
    ['an HTTP/1.1 request without Host', 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', 400],
    [
      'an Expect other than 100-continue',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nExpect: x\r\n\r\n',
      417,
    ],
    [
      'a URL that does not decode',
      'GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      400,
    ],
  ])('%s', async (_, bytes, status) => {
    const answer = await exchange(bytes)
    expect(answer.status).toBe(status)
    expect(answer.type).toMatch(/^application\/problem\+json/)
    expect(answer.problem).toMatchObject({
      status,
      type: expect.any(String),
      code: expect.any(String),
    })
  })

  it('still answers HTTP/1.0 without Host', async () => {
    let answer = ''
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET /healthz HTTP/1.0\r\n\r\n'))
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
      socket.on('close', () => resolve())
    })
    expect(answer).toMatch(/^HTTP\/1\.1 200 /)
  })
})
